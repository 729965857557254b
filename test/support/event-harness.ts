/**
 * Wiring for event-core tests: an event store and projector runtimes over the
 * test file's own database and Redis key prefix.
 */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createDb, type Db } from '~/server/db/client';
import type { EventStore } from '~/server/events/append';
import type { Projector } from '~/server/projectors/define-projector';
import { createProjectorRuntime, type RuntimeOptions } from '~/server/projectors/runtime';
import { createRedis, type Redis } from '~/server/redis/client';
import { createKeys } from '~/server/redis/keys';
import { captureLogs } from './log-capture';
import { testCatalogue } from './event-core';

export interface Harness {
  db: Db;
  redis: Redis;
  keys: ReturnType<typeof createKeys>;
  store: EventStore;
  partitions: number;
  runtime: (projectors: ReadonlyArray<Projector>, options?: Partial<RuntimeOptions>) => ReturnType<typeof createProjectorRuntime>;
  close: () => Promise<void>;
}

/** `redisUrl`: another Redis than the project's (`cluster`: a node of a Redis Cluster). */
export async function createHarness(opts: { partitions?: number; redisUrl?: string; cluster?: boolean } = {}): Promise<Harness> {
  const partitions = opts.partitions ?? 4;
  const { logger } = captureLogs();
  const db = createDb({ url: process.env.DATABASE_URL ?? '', max: 5 });
  // The cluster project (see vitest.config.ts) runs these files against a Redis Cluster.
  const cluster = (opts.cluster ?? (!opts.redisUrl && process.env.REDIS_CLUSTER === 'true')) ? [] : null;
  const redis = createRedis({ url: opts.redisUrl ?? inject('redisUrl'), cluster, logger, name: 'test' });
  await redis.connect();
  const keys = createKeys(`${process.env.REDIS_KEY_PREFIX ?? 't'}:${randomBytes(3).toString('hex')}`);
  const store: EventStore = { redis, keys, catalogue: testCatalogue, partitions };
  return {
    db,
    redis,
    keys,
    store,
    partitions,
    runtime: (projectors, options = {}) =>
      createProjectorRuntime({
        db,
        redis,
        keys,
        catalogue: testCatalogue,
        projectors,
        partitions,
        workerId: `w-${randomBytes(3).toString('hex')}`,
        logger,
        ...options,
      }),
    close: async () => {
      redis.destroy();
      await db.$client.end({ timeout: 5 });
    },
  };
}

/** Every entry of every partition stream, in order. */
export async function readLog(h: Harness) {
  const entries: Array<{ partition: number; id: string; envelope: { aggregateId: string; aggregateVersion: number; type: string; data: unknown } }> = [];
  for (let p = 0; p < h.partitions; p++) {
    const range = (await h.redis.xRange(h.keys.stream(p), '-', '+')) ?? [];
    for (const entry of range) entries.push({ partition: p, id: entry.id, envelope: JSON.parse(entry.message.e ?? '{}') });
  }
  return entries;
}
