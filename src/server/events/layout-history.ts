/**
 * The layouts the log has had (`partition_layouts`), and the order the whole
 * log is read in because of them. Within one layout an organization's events
 * are in one partition, in order; a switch moves it to another partition,
 * and everything of the old layout was appended before anything of the new
 * one (the switch froze the old partitions first). So reading each ended
 * epoch's partitions up to where that epoch ended, then the current layout's
 * partitions to their tips, gives every organization's events in the order
 * they were appended, across any number of switches. Stream ids only grow
 * within one stream key, so a position in a partition stays valid across
 * epochs.
 */
import { asc, desc, isNotNull, sql } from 'drizzle-orm';
import { partitionLayouts } from '~/server/db/partition-layouts-schema';
import type { Db } from '~/server/db/client';

/** Anything that runs a Drizzle select: the database or a transaction. */
type Reader = Pick<Db, 'select' | 'selectDistinct'>;

export interface EndedEpoch {
  epoch: number;
  partitions: number;
  /** The last stream id of each of its partitions when it ended. */
  cutoffs: string[];
}

/** One stretch of the log: a partition's entries after where the previous stretch of it ended, up to `upTo` (null: the tip). */
export interface LogSegment {
  partition: number;
  upTo: string | null;
}

export async function endedEpochs(db: Reader): Promise<EndedEpoch[]> {
  const rows = await db.select().from(partitionLayouts).where(isNotNull(partitionLayouts.cutoffs)).orderBy(asc(partitionLayouts.epoch));
  return rows.map((row) => ({ epoch: row.epoch, partitions: row.partitions, cutoffs: row.cutoffs ?? [] }));
}

/** The log's reading order: each ended epoch's partitions up to their cutoffs, then the current layout's to the tip. */
export function logSegments(ended: ReadonlyArray<EndedEpoch>, current: number): LogSegment[] {
  const segments: LogSegment[] = [];
  for (const epoch of ended) {
    for (let partition = 0; partition < epoch.partitions; partition++) segments.push({ partition, upTo: epoch.cutoffs[partition] ?? '0-0' });
  }
  for (let partition = 0; partition < current; partition++) segments.push({ partition, upTo: null });
  return segments;
}

/** The epoch the database's history says is current (its last row), or null before the first switch. */
export async function currentEpoch(db: Reader): Promise<{ epoch: number; partitions: number } | null> {
  const [row] = await db.select({ epoch: partitionLayouts.epoch, partitions: partitionLayouts.partitions }).from(partitionLayouts).orderBy(desc(partitionLayouts.epoch)).limit(1);
  return row ?? null;
}

/** Every partition count the log has been laid out in (empty before the first switch). */
export async function partitionCountsEverUsed(db: Reader): Promise<number[]> {
  const rows = await db.selectDistinct({ partitions: partitionLayouts.partitions }).from(partitionLayouts);
  return rows.map((r) => r.partitions);
}

/** How many partition streams the log has ever used: the highest partition of any layout, plus one. */
export function partitionsEverUsed(ended: ReadonlyArray<EndedEpoch>, current: number): number {
  return Math.max(current, ...ended.map((e) => e.partitions));
}

/**
 * Ends epoch `epoch` (a layout of `partitions`, cut at `cutoffs`) and starts
 * the next with `next` partitions, in one transaction; running it again
 * changes nothing.
 */
export async function recordEpochEnd(db: Db, opts: { epoch: number; partitions: number; cutoffs: ReadonlyArray<string>; next: number }): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .insert(partitionLayouts)
      .values({ epoch: opts.epoch, partitions: opts.partitions, cutoffs: [...opts.cutoffs], endedAt: new Date() })
      .onConflictDoUpdate({ target: partitionLayouts.epoch, set: { cutoffs: [...opts.cutoffs], endedAt: sql`coalesce(${partitionLayouts.endedAt}, now())` }, setWhere: sql`${partitionLayouts.cutoffs} is null` });
    await tx.insert(partitionLayouts).values({ epoch: opts.epoch + 1, partitions: opts.next }).onConflictDoNothing();
  });
}
