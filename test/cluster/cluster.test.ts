/**
 * What only a cluster has, checked through the app on the three-master Redis
 * Cluster the cluster project's harness starts: the app's client is a cluster
 * client, the default partitions land on every master, and live notices
 * reach subscribers of organizations whose notice streams are on all three
 * masters, resumably, and a blocked stream read (a worker's) is woken on the
 * master that serves it. (The guarantees themselves run here too: see the
 * cluster project in vitest.config.ts.)
 */
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { describe, expect, inject, it } from 'vitest';
import { env } from '~/env';
import { ClusterNotConfiguredError } from '~/server/events/durability';
import { appendEvents } from '~/server/events/append';
import { noticeHub } from '~/server/realtime';
import { createAppBlockingReads, getRedis, keys } from '~/server/redis';
import { createRedis, isCluster, mastersOf, nodeFor, type Redis } from '~/server/redis/client';
import { partitionOf } from '~/server/redis/keys';
import { as, closeAppClientsAfterAll } from '../support/callers';
import { slug } from '../support/fixtures';
import { counterIncremented, testCatalogue } from '../support/event-core';
import { eventually } from '../support/log-capture';

closeAppClientsAfterAll();

/** The id of the master that serves `key`. */
async function masterOf(redis: Redis, key: string): Promise<string> {
  return String(await (await nodeFor(redis, key)).sendCommand(['CLUSTER', 'MYID']));
}

/** Organizations created through the API until `covered` says the set is enough (bounded). */
async function organizationsUntil(covered: (ids: string[]) => Promise<boolean>) {
  const owner = as('owner');
  const ids: string[] = [];
  for (let i = 0; i < 60 && !(await covered(ids)); i++) {
    ids.push((await owner.api.organizations.create({ name: `Cluster ${i}`, slug: slug('cluster') })).id);
  }
  return { owner, ids };
}

describe('the app on a three-master Redis Cluster', () => {
  it('talks to it through a cluster client, and every master proves its writes durable', async () => {
    const redis = getRedis();
    expect(inject('redisCluster')).toBe(true);
    expect(isCluster(redis)).toBe(true);
    const masters = await mastersOf(redis);
    expect(masters).toHaveLength(3);
    for (const master of masters) expect(String(await master.sendCommand(['INFO', 'cluster']))).toContain('cluster_enabled:1');
  });

  it('spreads the default partitions over every master, and each organization appends to its partition on its master', async () => {
    const redis = getRedis();
    const partitions = Array.from({ length: env.EVENT_PARTITIONS }, (_, p) => p);
    const masters = new Set(await Promise.all(partitions.map((p) => masterOf(redis, keys.stream(p)))));
    expect(masters.size).toBe(3);

    // One organization in every partition, each renamed: every partition's stream grows on its own master.
    const before = await Promise.all(partitions.map((p) => redis.xLen(keys.stream(p))));
    const { owner, ids } = await organizationsUntil(async (ids) => new Set(ids.map((id) => partitionOf(id, env.EVENT_PARTITIONS))).size === partitions.length);
    for (const organizationId of ids) await owner.api.organizations.rename({ organizationId, name: 'Launch' });
    const after = await Promise.all(partitions.map((p) => redis.xLen(keys.stream(p))));
    for (const p of partitions) expect(after[p]).toBeGreaterThan(before[p] ?? 0);
  });

  it('delivers live notices for organizations on all three masters, and resumes each after a drop', { timeout: 60_000 }, async () => {
    const redis = getRedis();
    const mastersOfOrgs = new Map<string, string>();
    const { owner, ids } = await organizationsUntil(async (ids) => {
      for (const id of ids) if (!mastersOfOrgs.has(id)) mastersOfOrgs.set(id, await masterOf(redis, keys.changes(id)));
      return new Set(mastersOfOrgs.values()).size === 3;
    });
    // One organization per master.
    const chosen = [...new Map([...mastersOfOrgs].map(([org, master]) => [master, org])).values()];
    expect(chosen).toHaveLength(3);
    expect(ids).toEqual(expect.arrayContaining(chosen));

    const hub = noticeHub();
    const abort = new AbortController();
    const firstNotice = async (organizationId: string, lastEventId: string | null) => {
      for await (const notice of hub.subscribe(organizationId, lastEventId, abort.signal)) return notice.id;
      return null;
    };
    // Subscribed to all three at once, each on its own master's reader; then one change in each.
    const live = chosen.map((org) => firstNotice(org, null));
    // The changes come once each organization's master lists a notice reader blocked on it (flags=b), so none is missed.
    for (const organizationId of chosen) {
      const master = await nodeFor(redis, keys.changes(organizationId));
      const blocked = async () => String(await master.sendCommand(['CLIENT', 'LIST'])).split('\n').some((line) => line.includes('name=streamline:notices:') && line.includes(' flags=b '));
      await eventually(blocked, 10_000, `a notice reader blocked on the master of ${organizationId}`);
    }
    for (const organizationId of chosen) await owner.api.organizations.rename({ organizationId, name: 'Live' });
    const seen = await Promise.all(live);
    for (const id of seen) expect(id).toMatch(/^\d+-\d+$/);

    // Dropped after that notice: a change meanwhile is backfilled from the last id on resubscribing.
    for (const organizationId of chosen) await owner.api.organizations.rename({ organizationId, name: 'While away' });
    const resumed = await Promise.all(chosen.map((org, i) => firstNotice(org, seen[i] ?? null)));
    for (const [i, org] of chosen.entries()) {
      const kept = ((await redis.xRange(keys.changes(org), `(${seen[i] ?? '0-0'}`, '+')) ?? []).map((e) => e.id);
      expect(resumed[i]).toBe(kept[0]);
    }
    abort.abort();
  });

  it('wakes a blocked read on every partition’s stream: CLIENT ID and CLIENT UNBLOCK reach the master that serves it', { timeout: 60_000 }, async () => {
    // A worker blocks on all its partitions at once and ends the other reads when one sees an entry: a wake
    // that went to another node would leave them blocked for the whole block time, and new events waiting.
    const redis = getRedis();
    const name = `test:wake-${randomUUID().slice(0, 8)}`;
    const blocking = createAppBlockingReads(name);
    try {
      for (let p = 0; p < env.EVENT_PARTITIONS; p++) {
        const key = keys.stream(p);
        const group = blocking.group(blocking.groupOf(key));
        const reading = group.read([{ key, id: '$' }], { blockMs: 30_000, count: 1 });
        // Blocked once the master that serves the stream lists our connection as blocked (flags=b).
        const master = await nodeFor(redis, key);
        const blocked = async () => String(await master.sendCommand(['CLIENT', 'LIST'])).split('\n').some((line) => line.includes(`name=${name}:`) && line.includes(' flags=b '));
        await eventually(blocked, 10_000, `the read on ${key} blocked on its master`);
        expect(await group.wake(), `wake of the read on ${key}`).toBe(true);
        await expect(reading).resolves.toBeNull();
      }
    } finally {
      blocking.close();
    }
  });

  it('a single-server client pointed at a cluster node is refused with a clear error, and writes nothing', async () => {
    const single = createRedis({ url: inject('redisUrl'), logger: pino({ level: 'silent' }), name: 'not-cluster' });
    await single.connect();
    try {
      const store = { redis: single, keys, catalogue: testCatalogue, partitions: env.EVENT_PARTITIONS };
      const organizationId = `org-${randomUUID()}`;
      const partition = partitionOf(organizationId, env.EVENT_PARTITIONS);
      const length = await getRedis().xLen(keys.stream(partition));
      const append = appendEvents(store, { organizationId, actorId: 'u1', streams: [{ aggregateId: 'a', expectedVersion: 0, events: [counterIncremented.create({ by: 1, note: '' })] }] });
      await expect(append).rejects.toBeInstanceOf(ClusterNotConfiguredError);
      await expect(append).rejects.toThrow(/REDIS_CLUSTER/);
      await eventually(async () => (await getRedis().xLen(keys.stream(partition))) === length, 1_000, 'no entry');
    } finally {
      single.destroy();
    }
  });
});
