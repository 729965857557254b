/**
 * The local Redis Cluster (scripts/lib/local-redis-cluster.ts) is a real
 * cluster: three masters share all 16384 slots, `slotOf` agrees with the
 * server's `CLUSTER KEYSLOT` (also for the app's partition keys), a write a
 * master acknowledged survives that master's SIGKILL and restart on the same
 * port and directory, and while it is down its slots fail with an error
 * instead of leaving the caller waiting. A start that fails half way leaves
 * no server behind.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { createClient, createCluster } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRedisCluster, type LocalRedisCluster } from '../../scripts/lib/local-redis-cluster';
import { createKeys } from '~/server/redis/keys';
import { CLUSTER_SLOTS, slotOf } from '~/server/redis/slots';
import { eventually } from '../support/log-capture';

const PARTITIONS = 16;

let cluster: LocalRedisCluster;
const cleanups: Array<() => unknown> = [];

beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'streamline-redis-cluster-'));
  chmodSync(dir, 0o755);
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cluster = await startLocalRedisCluster({ dir });
  cleanups.push(() => cluster.stop());
});

afterAll(async () => {
  // Reverse order: clients before the cluster before its directory.
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A client of one node, closed with the file. */
async function nodeClient(url: string) {
  const client = createClient({ url, socket: { connectTimeout: 2_000, reconnectStrategy: false } });
  client.on('error', () => undefined); // reported through the rejected commands instead
  await client.connect();
  cleanups.push(() => client.destroy());
  return client;
}

/**
 * A cluster client that fails rather than waits: no offline queue, a command
 * timeout, short reconnect delays (so it finds a restarted node quickly).
 */
async function clusterClient() {
  const client = createCluster({
    rootNodes: cluster.urls.map((url) => ({ url })),
    defaults: {
      socket: { connectTimeout: 2_000, reconnectStrategy: (retries: number) => Math.min(100 * (retries + 1), 500) },
      disableOfflineQueue: true,
    },
    commandOptions: { timeout: 5_000 },
  });
  client.on('error', () => undefined); // reported through the rejected commands instead
  await client.connect();
  cleanups.push(() => client.destroy());
  return client;
}

/** How `promise` settled within `ms`, or `pending` if it had not: a bound on the wait, not a performance check. */
async function settleWithin(promise: Promise<unknown>, ms: number): Promise<{ status: 'fulfilled' | 'pending' } | { status: 'rejected'; error: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise<{ status: 'pending' }>((resolve) => (timer = setTimeout(() => resolve({ status: 'pending' }), ms)));
  const settled = promise.then(
    () => ({ status: 'fulfilled' as const }),
    (error: unknown) => ({ status: 'rejected' as const, error }),
  );
  try {
    return await Promise.race([settled, pending]);
  } finally {
    clearTimeout(timer);
  }
}

describe('the local Redis Cluster', () => {
  it('has three masters that serve all 16384 slots in the ranges --cluster create assigns, and every node says ok', async () => {
    expect(cluster.urls).toHaveLength(3);
    expect(cluster.nodes).toHaveLength(3);
    const client = await nodeClient(cluster.urls[0] ?? '');
    const ranges = (await client.clusterSlots())
      .map((range) => ({ from: range.from, to: range.to, url: `redis://${range.master.host}:${range.master.port}` }))
      .sort((a, b) => a.from - b.from);
    expect(ranges).toEqual([
      { from: 0, to: 5460, url: cluster.urls[0] },
      { from: 5461, to: 10922, url: cluster.urls[1] },
      { from: 10923, to: CLUSTER_SLOTS - 1, url: cluster.urls[2] },
    ]);
    for (const node of cluster.nodes) {
      const info = await (await nodeClient(`redis://127.0.0.1:${node.port}`)).clusterInfo();
      expect(info).toContain('cluster_state:ok');
      expect(info).toContain(`cluster_slots_ok:${CLUSTER_SLOTS}`);
      expect(info).toContain('cluster_known_nodes:3');
    }
  });

  it('puts every key in the slot slotOf computes, the partition keys included', async () => {
    const client = await nodeClient(cluster.urls[0] ?? '');
    const appKeys = [process.env.REDIS_KEY_PREFIX ?? '', 'sl'].flatMap((prefix) => {
      const keys = createKeys(prefix);
      return Array.from({ length: PARTITIONS }, (_, p) => [keys.stream(p), keys.lease(p), keys.version(p, 'aggregate-1')]).flat();
    });
    const shapes = ['', 'foo', '{', '}', '{}', '{}x', 'x{}{y}', 'a{{b}}c', 'a{b}{c}', 'é{ü}日本語', '{user1000}.following'];
    const random = [
      ...fc.sample(fc.string({ unit: 'grapheme', maxLength: 12 }), { numRuns: 100, seed: 42 }),
      // Mostly braces, to hit every hash-tag rule.
      ...fc.sample(fc.string({ unit: fc.constantFrom('{', '}', 'a', 'é', '日'), maxLength: 8 }), { numRuns: 100, seed: 42 }),
    ];
    for (const key of [...appKeys, ...shapes, ...random]) {
      expect({ key, slot: slotOf(key) }).toEqual({ key, slot: await client.clusterKeySlot(key) });
    }
    // Only the tag is hashed: a partition's keys share one slot whatever the prefix.
    for (let p = 0; p < PARTITIONS; p++) {
      expect(slotOf(createKeys('sl').stream(p))).toBe(slotOf(createKeys('other:prefix').lease(p)));
    }
  });

  it('keeps a write acknowledged by a master through its SIGKILL and restart; meanwhile its slots fail instead of hanging', async () => {
    const client = await clusterClient();
    const key = createKeys(process.env.REDIS_KEY_PREFIX ?? 'sl').stream(2);
    const owner = client.slots[slotOf(key)]?.master;
    const node = cluster.nodes.find((candidate) => candidate.port === owner?.port);
    if (!node) throw new Error(`no node serves slot ${slotOf(key)} of ${key}`);

    const id = await client.xAdd(key, '*', { note: 'acknowledged before the crash' });
    const pidBefore = node.pid();
    await node.kill();

    // The dead master's slot: a connection error or CLUSTERDOWN, not an endless wait.
    const whileDown = await settleWithin(client.xRange(key, '-', '+'), 20_000);
    expect(whileDown.status).toBe('rejected');
    if (whileDown.status === 'rejected') {
      expect(String(whileDown.error)).toMatch(/CLUSTERDOWN|ECONNREFUSED|client is offline|socket closed/i);
    }
    // Full coverage is required: once the others mark the master failed, they refuse even their own slots.
    const keys = createKeys('sl');
    const otherKey = Array.from({ length: PARTITIONS }, (_, p) => keys.stream(p)).find(
      (candidate) => client.slots[slotOf(candidate)]?.master.port !== node.port,
    );
    const otherPort = otherKey === undefined ? undefined : client.slots[slotOf(otherKey)]?.master.port;
    if (otherKey === undefined || otherPort === undefined) throw new Error('every partition is on the killed master');
    const direct = await nodeClient(`redis://127.0.0.1:${otherPort}`);
    let refusal = '';
    await eventually(
      async () => {
        refusal = await direct.get(otherKey).then(
          () => '',
          (error: unknown) => String(error),
        );
        return refusal !== '';
      },
      15_000,
      'the other master refusing once it marks the killed one failed',
    );
    expect(refusal).toMatch(/CLUSTERDOWN/);

    await node.restart();
    expect(node.pid()).not.toBe(pidBefore);
    await cluster.waitForClusterOk();
    const after = await clusterClient();
    expect(await after.xRange(key, '-', '+')).toEqual([{ id, message: { note: 'acknowledged before the crash' } }]);
  });

  it('stops the nodes it already started when a later step fails', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'streamline-redis-cluster-broken-'));
    chmodSync(dir, 0o755);
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    // The second node's data directory cannot be created: a file is in its place.
    mkdirSync(path.join(dir, 'node-0'));
    writeFileSync(path.join(dir, 'node-1'), 'not a directory');

    await expect(startLocalRedisCluster({ dir })).rejects.toThrow(/node-1/);
    // The first node did run (it wrote its append-only directory), and no process is left in its directory.
    expect(existsSync(path.join(dir, 'node-0', 'appendonlydir'))).toBe(true);
    expect(processesIn(path.join(dir, 'node-0'))).toEqual([]);
  });
});

/** Processes whose working directory is `dir` (redis-server changes into its data directory). */
function processesIn(dir: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readlinkSync(`/proc/${pid}/cwd`) === dir;
      } catch {
        return false; // gone meanwhile, or not ours to read
      }
    })
    .map(Number);
}
