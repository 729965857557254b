/**
 * Trims each partition stream below what every projector (the archive
 * included) has committed. An entry is removed only once all of them have
 * passed it, so trimming never loses an unprocessed event, and the archive
 * still holds every event for rebuilds.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '~/server/db/client';
import { projectorCheckpoints } from '~/server/db/event-core-schema';
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
  }
  return results;
}
