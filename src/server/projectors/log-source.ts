/**
 * A partition's log read from wherever it still is, as stream entries
 * (`{ id, fields: { e: envelope JSON } }`) that ./apply-batch.ts applies like
 * any batch: the archive (`event_log`) holds everything the archive projector
 * committed, in stream order with no gap; the stream holds everything it has
 * not trimmed, which is only ever below what the archive holds (./trim.ts).
 *
 * - `archivedEntries`: archived entries after a position (and before one).
 *   A new projector on a trimmed stream fills itself with them (./runtime.ts).
 * - `nextLogPage`: the next entries after a position, from the archive while
 *   it has them, then from the stream; a rebuild reads the whole log with it
 *   (./rebuild.ts), from any position, while the archive grows and the
 *   stream is trimmed behind it.
 * - `streamTrimmed`: whether a stream lost entries, and its first one.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { eventLog } from '~/server/db/event-core-schema';
import { envelopeOfRow } from '~/server/events/log';
import type { Redis } from '~/server/redis/client';
import type { Keys } from '~/server/redis/keys';
import type { Tx } from './define-projector';
import type { Entry } from './read';

/** Anything that runs a Drizzle select: the database or a transaction. */
type Reader = Pick<Tx, 'select'>;

/** A stream id as the archive's two ordering columns. */
function position(id: string): { ms: bigint; seq: bigint } {
  const [ms, seq] = id.split('-');
  return { ms: BigInt(ms ?? '0'), seq: BigInt(seq ?? '0') };
}

const at = (id: string) => {
  const p = position(id);
  return sql`(${p.ms}::bigint, ${p.seq}::bigint)`;
};

/** Archived entries of `partition` after `after`, before `before` (exclusive) when given, oldest first. */
export async function archivedEntries(db: Reader, opts: { partition: number; after: string; before?: string | null; limit: number }): Promise<Entry[]> {
  const rows = await db
    .select()
    .from(eventLog)
    .where(
      and(
        eq(eventLog.partition, opts.partition),
        sql`(${eventLog.streamMs}, ${eventLog.streamSeq}) > ${at(opts.after)}`,
        opts.before ? sql`(${eventLog.streamMs}, ${eventLog.streamSeq}) < ${at(opts.before)}` : undefined,
      ),
    )
    .orderBy(asc(eventLog.streamMs), asc(eventLog.streamSeq))
    .limit(opts.limit);
  return rows.map((row) => ({ id: row.streamId, fields: { e: JSON.stringify(envelopeOfRow(row)) } }));
}

const entriesReply = z.array(z.object({ id: z.string(), message: z.record(z.string(), z.string()) })).nullable();

/**
 * The next at most `limit` entries of the partition's log after `after`,
 * with no gap: from the archive while it holds any, else from the stream.
 * Between reading the archive and the stream, the archive may have taken
 * entries that trimming then removed from the stream; the stream's page is
 * used only when the archive holds nothing before its first entry.
 */
export async function nextLogPage(opts: { db: Reader; redis: Redis; keys: Keys; partition: number; after: string; limit: number }): Promise<Entry[]> {
  const { db, partition, after, limit } = opts;
  const archived = await archivedEntries(db, { partition, after, limit });
  if (archived.length > 0) return archived;
  const streamed = entriesReply.parse(await opts.redis.xRange(opts.keys.stream(partition), `(${after}`, '+', { COUNT: limit })) ?? [];
  const first = streamed[0];
  if (!first) return [];
  const missed = await archivedEntries(db, { partition, after, before: first.id, limit });
  return missed.length > 0 ? missed : streamed.map((entry) => ({ id: entry.id, fields: entry.message }));
}

const streamInfo = z.object({ length: z.number(), 'entries-added': z.number(), 'first-entry': z.object({ id: z.string() }).loose().nullable() }).loose();

/** Whether the partition's stream lost entries (trimmed), and the id of its first entry now (null: empty or missing). */
export async function streamTrimmed(redis: Redis, keys: Keys, partition: number): Promise<{ trimmed: boolean; firstId: string | null }> {
  const info = await redis.xInfoStream(keys.stream(partition)).then(
    (reply) => streamInfo.parse(reply),
    () => null, // no stream yet: nothing was trimmed
  );
  if (!info) return { trimmed: false, firstId: null };
  return { trimmed: info['entries-added'] > info.length, firstId: info['first-entry']?.id ?? null };
}
