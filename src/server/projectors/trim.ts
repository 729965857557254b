/**
 * Trims each partition stream below what every projector (the archive
 * included) has committed. An entry is removed only once all of them have
 * passed it, so trimming never loses an unprocessed event, and the archive
 * still holds every event for rebuilds.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '~/server/db/client';
import { projectorCheckpoints } from '~/server/db/event-core-schema';
import { z } from 'zod';
import { compareStreamIds } from '~/server/events/envelope';
import type { Redis } from '~/server/redis/client';
import type { Keys } from '~/server/redis/keys';
import { ARCHIVE_PROJECTOR } from './archive';

export async function trimStreams(opts: {
  db: Db;
  redis: Redis;
  keys: Keys;
  partitions: number;
  /** Every projector that reads the streams; must include the archive. */
  projectorNames: ReadonlyArray<string>;
}): Promise<Array<{ partition: number; trimmedBelow: string | null; removed: number }>> {
  if (!opts.projectorNames.includes(ARCHIVE_PROJECTOR)) throw new Error('Refusing to trim: the archive projector is not registered.');
  const results = [];
  for (let partition = 0; partition < opts.partitions; partition++) {
    const rows = await opts.db
      .select({ lastId: projectorCheckpoints.lastId })
      .from(projectorCheckpoints)
      .where(and(eq(projectorCheckpoints.partition, partition), inArray(projectorCheckpoints.projector, [...opts.projectorNames])));
    // A projector with no checkpoint yet has processed nothing: keep everything.
    if (rows.length < opts.projectorNames.length) {
      results.push({ partition, trimmedBelow: null, removed: 0 });
      continue;
    }
    const lowest = rows.map((r) => r.lastId).sort(compareStreamIds)[0] ?? '0-0';
    const removed = lowest === '0-0' ? 0 : await opts.redis.xTrim(opts.keys.stream(partition), 'MINID', lowest);
    results.push({ partition, trimmedBelow: lowest, removed });
    await forgetIdleConsumers(opts.redis, opts.keys.stream(partition), opts.projectorNames);
  }
  return results;
}

const consumersReply = z.array(z.object({ name: z.string(), pending: z.number(), idle: z.number() }).loose());
const FORGET_AFTER_MS = 60 * 60 * 1000;

/**
 * Every worker process reads as a consumer of its own name; dead ones would
 * pile up in the groups. Consumers with nothing pending and idle for an hour
 * are removed (one with pending entries is left for a lease holder to claim from).
 */
async function forgetIdleConsumers(redis: Redis, stream: string, groups: ReadonlyArray<string>) {
  for (const group of groups) {
    const consumers = consumersReply.parse(await redis.xInfoConsumers(stream, group).catch(() => []));
    for (const consumer of consumers) {
      if (consumer.pending === 0 && consumer.idle > FORGET_AFTER_MS) await redis.xGroupDelConsumer(stream, group, consumer.name);
    }
  }
}
