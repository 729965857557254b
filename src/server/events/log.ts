/**
 * The whole log of one partition, oldest first: the archive (`event_log`)
 * up to its last row, then the stream's entries after it. Streams are trimmed
 * only below what the archive holds, so together they miss nothing. Each
 * entry comes as the stream would give it (`{ e: envelope JSON }`), so it
 * decodes through the catalogue like any other, upcasters included.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '~/server/db/client';
import { eventLog } from '~/server/db/event-core-schema';
import type { Redis } from '~/server/redis/client';
import type { Keys } from '~/server/redis/keys';
import { compareStreamIds, type RawEnvelope } from './envelope';

export interface LogEntry {
  id: string;
  fields: Record<string, string>;
}

const PAGE = 2_000;

/** The envelope an archived row was appended as. */
export function envelopeOfRow(row: typeof eventLog.$inferSelect): RawEnvelope {
  return {
    id: row.eventId,
    type: row.type,
    v: row.schemaVersion,
    aggregateId: row.aggregateId,
    aggregateVersion: row.aggregateVersion,
    organizationId: row.organizationId,
    actorId: row.actorId,
    correlationId: row.correlationId,
    causationId: row.causationId,
    occurredAt: row.occurredAt.toISOString(),
    data: row.data,
  };
}

/**
 * The partition's log after `after` (default: from the start) up to `upTo`
 * (inclusive; default: the tip), in pages: one stretch of the whole log
 * (./layout-history.ts says which stretches, in which order).
 */
export async function* readPartitionLog(opts: { db: Db; redis: Redis; keys: Keys; partition: number; after?: string; upTo?: string | null }): AsyncGenerator<LogEntry[]> {
  let last = opts.after ?? '0-0';
  let after = position(last);
  const upTo = opts.upTo ?? null;
  const end = upTo === null ? null : position(upTo);
  for (;;) {
    const rows = await opts.db
      .select()
      .from(eventLog)
      .where(
        and(
          eq(eventLog.partition, opts.partition),
          sql`(${eventLog.streamMs}, ${eventLog.streamSeq}) > (${after.ms}, ${after.seq})`,
          end ? sql`(${eventLog.streamMs}, ${eventLog.streamSeq}) <= (${end.ms}, ${end.seq})` : undefined,
        ),
      )
      .orderBy(asc(eventLog.streamMs), asc(eventLog.streamSeq))
      .limit(PAGE);
    const tail = rows.at(-1);
    if (!tail) break;
    yield rows.map((row) => ({ id: row.streamId, fields: { e: JSON.stringify(envelopeOfRow(row)) } }));
    last = tail.streamId;
    after = { ms: tail.streamMs, seq: tail.streamSeq };
  }
  if (upTo !== null && compareStreamIds(last, upTo) >= 0) return;
  for (;;) {
    const entries = (await opts.redis.xRange(opts.keys.stream(opts.partition), `(${last}`, upTo ?? '+', { COUNT: PAGE })) ?? [];
    const tail = entries.at(-1);
    if (!tail) return;
    yield entries.filter((entry) => compareStreamIds(entry.id, last) > 0).map((entry) => ({ id: entry.id, fields: entry.message }));
    last = tail.id;
  }
}

/** A stream id as the archive's two ordering columns. */
function position(id: string): { ms: bigint; seq: bigint } {
  const [ms, seq] = id.split('-');
  return { ms: BigInt(ms ?? '0'), seq: BigInt(seq ?? '0') };
}
