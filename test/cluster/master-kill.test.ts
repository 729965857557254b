/**
 * A master of a Redis Cluster (no replicas) killed with SIGKILL mid-load and
 * restarted: while it is down, appends fail with the typed unavailability
 * error rather than hanging; every append that was acknowledged is still in
 * the log afterwards (AOF, fsync on every write); once it is back, appends to
 * every partition go through again. Runs on a cluster of its own, so the
 * shared one stays whole for the other files.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { appendEvents, EventLogUnavailableError } from '~/server/events/append';
import pino from 'pino';
import { createRedis } from '~/server/redis/client';
import { slotOf } from '~/server/redis/slots';
import { partitionOf } from '~/server/redis/keys';
import { counterIncremented } from '../support/event-core';
import { readLog } from '../support/event-harness';
import { ownCluster } from '../support/own-cluster';
import { eventually } from '../support/log-capture';
import { singleServer } from '../support/redis-node';

const PARTITIONS = 4;
const own = ownCluster({ partitions: PARTITIONS });

/** An organization id in each partition. */
function organizationPerPartition(): string[] {
  const found = new Map<number, string>();
  while (found.size < PARTITIONS) {
    const id = `org-${randomUUID()}`;
    found.set(partitionOf(id, PARTITIONS), found.get(partitionOf(id, PARTITIONS)) ?? id);
  }
  return Array.from({ length: PARTITIONS }, (_, p) => found.get(p) ?? '');
}

describe('a master killed and restarted', () => {
  it('fails appends clearly while down, loses no acknowledged event, and takes appends again once back', { timeout: 120_000 }, async () => {
    const organizations = organizationPerPartition();
    const acknowledged: string[] = [];
    const versions = new Map<string, number>();
    const append = async (organizationId: string) => {
      const expectedVersion = versions.get(organizationId) ?? 0;
      const result = await appendEvents(own.harness().store, { organizationId, actorId: 'u1', streams: [{ aggregateId: organizationId, expectedVersion, events: [counterIncremented.create({ by: 1, note: '' })] }] });
      versions.set(organizationId, expectedVersion + 1);
      acknowledged.push(`${organizationId}:${result.versions[organizationId] ?? '?'}`);
    };
    for (let round = 0; round < 5; round++) for (const org of organizations) await append(org);

    // The master of partition 0's stream dies: SIGKILL, no chance to flush anything beyond its fsynced AOF.
    const victim = await masterServing(slotOf(own.harness().keys.stream(0)));
    const onVictim = organizations.filter((org) => victim.serves(slotOf(own.harness().keys.stream(partitionOf(org, PARTITIONS)))));
    const elsewhere = organizations.filter((org) => !onVictim.includes(org));
    expect(elsewhere.length).toBeGreaterThan(0);
    await victim.node.kill();

    // Its partitions' appends end with the typed error, never hanging.
    for (const outcome of await Promise.allSettled(onVictim.map((org) => append(org)))) {
      expect(outcome.status === 'rejected' && outcome.reason instanceof EventLogUnavailableError).toBe(true);
    }
    // Once the cluster marks it failed (cluster-node-timeout), full coverage being required (Redis's default), the other
    // masters refuse writes too: CLUSTERDOWN, nothing written. Before that they may still take some (counted if acknowledged).
    await eventually(
      async () => {
        const [outcome] = await Promise.allSettled([append(elsewhere[0] ?? '')]);
        return outcome?.status === 'rejected' && outcome.reason instanceof EventLogUnavailableError && outcome.reason.written === 'nothing';
      },
      30_000,
      'the other masters refusing writes while the cluster is down',
    );
    // An append whose reply was lost may have been written: count it only if it is in the log (below), never require it.

    await victim.node.restart();
    await own.cluster().waitForClusterOk();
    await eventually(async () => (await Promise.allSettled([append(organizations[0] ?? '')])).every((o) => o.status === 'fulfilled'), 30_000, 'appends to the restarted master');
    for (const org of organizations.slice(1)) await append(org);

    const logged = new Set((await readLog(own.harness())).map((e) => `${e.envelope.aggregateId}:${e.envelope.aggregateVersion}`));
    const lost = acknowledged.filter((id) => !logged.has(id));
    expect(lost).toEqual([]);
    expect(acknowledged.length).toBeGreaterThanOrEqual(5 * PARTITIONS + PARTITIONS);
  });
});

/** The node handle of the master that serves `slot`, found from each node's own view (`myself` in CLUSTER NODES). */
async function masterServing(slot: number) {
  for (const node of own.cluster().nodes) {
    const client = createRedis({ url: `redis://127.0.0.1:${node.port}`, logger: pino({ level: 'silent' }), name: 'test:topology' });
    await client.connect();
    try {
      const nodes = String(await singleServer(client).sendCommand(['CLUSTER', 'NODES']));
      const myself = nodes.split('\n').find((line) => line.includes('myself'));
      const ranges = (myself?.split(' ').slice(8) ?? []).map((range) => range.split('-').map(Number));
      const serves = (s: number) => ranges.some(([from = -1, to = from]) => s >= from && s <= to);
      if (serves(slot)) return { node, serves };
    } finally {
      client.destroy();
    }
  }
  throw new Error(`no master serves slot ${slot}`);
}
