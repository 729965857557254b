/**
 * The event log asks Redis what it promises before the first append: a server
 * that cannot show that an acknowledged write is on disk gets no appends,
 * unless the operator says otherwise (EVENT_LOG_DURABILITY). Real servers,
 * each started with the persistence under test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { appendEvents, type EventStore } from '~/server/events/append';
import { durabilityOf, probeDurability, type DurabilityPolicy } from '~/server/events/durability';
import { createRedis, type Redis } from '~/server/redis/client';
import { createKeys, partitionOf } from '~/server/redis/keys';
import { startLocalRedis, type LocalRedis, type LocalRedisOptions } from '../../scripts/lib/local-redis';
import { captureLogs } from '../support/log-capture';
import { counterIncremented, testCatalogue } from '../support/event-core';

const dir = mkdtempSync(path.join(tmpdir(), 'streamline-durability-probe-'));
const servers: LocalRedis[] = [];
const clients: Redis[] = [];
afterAll(async () => {
  for (const client of clients) client.destroy();
  await Promise.all(servers.map((s) => s.stop()));
  rmSync(dir, { recursive: true, force: true });
});

async function redisWith(name: string, persistence: Pick<LocalRedisOptions, 'appendonly' | 'appendfsync' | 'memory'>): Promise<Redis> {
  const server = await startLocalRedis({ dir: path.join(dir, name), ...persistence });
  servers.push(server);
  const client = createRedis({ url: server.url, logger: captureLogs().logger, name });
  clients.push(client);
  await client.connect();
  return client;
}

/** One append under `policy`; what came of it, and how many entries the log holds after it. */
async function appendOnce(redis: Redis, policy?: DurabilityPolicy) {
  const keys = createKeys(`probe:${randomUUID().slice(0, 8)}`);
  const store: EventStore = { redis, keys, catalogue: testCatalogue, partitions: 2, durability: policy };
  const organizationId = randomUUID();
  const outcome = await appendEvents(store, { organizationId, actorId: 'u', streams: [{ aggregateId: 'a', expectedVersion: 0, events: [counterIncremented.create({ by: 1, note: '' })] }] }).then(
    () => 'appended',
    (error: unknown) => (error instanceof Error && 'code' in error ? `${String(error.code)}: ${error.message}` : String(error)),
  );
  return { outcome, entries: await redis.xLen(keys.stream(partitionOf(organizationId, 2))) };
}

describe('durability probe', () => {
  it('appendonly no: classified unsafe, appends refused with a typed error that says what to do, and nothing written', async () => {
    const redis = await redisWith('no-aof', { appendonly: false });
    await expect(probeDurability(redis)).resolves.toMatchObject({ class: 'unsafe', detail: expect.stringContaining('appendonly no') });
    const refused = await appendOnce(redis);
    expect(refused.entries).toBe(0);
    expect(refused.outcome).toMatch(/^UNAVAILABLE: Refusing to append: .*appendonly no.*EVENT_LOG_DURABILITY=accept-risk/);
    // The operator may accept the risk, or vouch for the provider.
    await expect(appendOnce(redis, 'accept-risk')).resolves.toEqual({ outcome: 'appended', entries: 1 });
    await expect(appendOnce(redis, 'provider-durable')).resolves.toEqual({ outcome: 'appended', entries: 1 });
    await expect(durabilityOf(redis, 'provider-durable')).resolves.toMatchObject({ class: 'provider-durable' });
  });

  it('appendonly yes with appendfsync everysec: a crash can lose the last second, so it is unsafe too', async () => {
    const redis = await redisWith('everysec', { appendonly: true, appendfsync: 'everysec' });
    await expect(probeDurability(redis)).resolves.toMatchObject({ class: 'unsafe', detail: expect.stringContaining('appendfsync everysec') });
    await expect(appendOnce(redis)).resolves.toMatchObject({ entries: 0 });
  });

  it('a server that evicts keys when full is unsafe even with every write on disk, and a provider’s promise does not change that', async () => {
    const redis = await redisWith('evicts', { appendonly: true, appendfsync: 'always', memory: { maxmemory: '64mb', policy: 'allkeys-lru' } });
    await expect(probeDurability(redis)).resolves.toMatchObject({ class: 'unsafe', detail: expect.stringContaining('maxmemory-policy allkeys-lru') });
    await expect(appendOnce(redis)).resolves.toMatchObject({ outcome: expect.stringMatching(/^UNAVAILABLE: .*noeviction/), entries: 0 });
    await expect(appendOnce(redis, 'provider-durable')).resolves.toMatchObject({ entries: 0 });
    await expect(appendOnce(redis, 'accept-risk')).resolves.toEqual({ outcome: 'appended', entries: 1 });
  });

  it('a memory limit with noeviction refuses writes when full instead of losing keys: durable', async () => {
    const redis = await redisWith('noeviction', { appendonly: true, appendfsync: 'always', memory: { maxmemory: '64mb', policy: 'noeviction' } });
    await expect(probeDurability(redis)).resolves.toMatchObject({ class: 'fsync-per-write' });
  });

  it('appendonly yes with appendfsync always: every write is on disk when acknowledged, and appends pass', async () => {
    const redis = await redisWith('always', { appendonly: true, appendfsync: 'always' });
    await expect(probeDurability(redis)).resolves.toMatchObject({ class: 'fsync-per-write' });
    await expect(appendOnce(redis)).resolves.toEqual({ outcome: 'appended', entries: 1 });
  });
});
