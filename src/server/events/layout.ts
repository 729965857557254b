/**
 * The partition layout: how many partitions the event log is laid out in,
 * recorded in Redis so that no process appends with another count than the
 * one the log was written with (an organization's partition depends on it).
 *
 * - `<prefix>:layout` (the record): the count, its epoch (how many switches
 *   led to it), and a switch under way, if any. Processes and the switch read
 *   it; no script does, so it needs no hash tag.
 * - `<prefix>:{pN}:layout`, one per partition, in the partition's own slot:
 *   "4" (the partition belongs to a layout of 4), or "4>7" while a switch from
 *   4 to 7 partitions freezes it. The append script reads it beside the keys
 *   it writes (one slot, so Redis Cluster is fine) and refuses a mismatch;
 *   a command's load reads it in the same MGET as the aggregate.
 *
 * A fresh key space records the count of the first process that appends
 * (first writer wins); a partition key is filled from the record when the
 * append script finds none. A switch sets every partition key, all
 * MAX_PARTITIONS of them, so a process with any count finds its partition's.
 * `npm run partitions -- switch <M>` changes the layout (./layout-switch.ts).
 */
import { z } from 'zod';
import { AppError } from '~/server/errors';
import type { Redis } from '~/server/redis/client';
import { MAX_PARTITIONS, type Keys } from '~/server/redis/keys';

const count = z.number().int().min(1).max(MAX_PARTITIONS);

const layoutRecordSchema = z.object({
  partitions: count,
  /** 0 for the first layout, one more after each switch (the `partition_layouts` row of the same epoch describes it). */
  epoch: z.number().int().min(0),
  /**
   * Set when the layout was first recorded on a key space that already held
   * events: idempotency records older than this were written before they were
   * indexed, so a switch cannot carry them (it waits until they have expired).
   */
  indexedSince: z.string().nullable().default(null),
  /** A switch under way: frozen (old partitions refuse appends while projectors catch up), then carrying the write side over. */
  switching: z
    .object({
      to: count,
      phase: z.enum(['frozen', 'carrying']),
      startedAt: z.string(),
      /** The last stream id of each old partition when it froze (set once caught up): where the old layout ends. */
      cutoffs: z.array(z.string()).nullable().default(null),
    })
    .nullable()
    .default(null),
});
export type LayoutRecord = z.output<typeof layoutRecordSchema>;

/** A partition key's value for a layout of `partitions`, or frozen by a switch from `from` to `to`. */
export const layoutValue = (partitions: number) => String(partitions);
export const frozenValue = (from: number, to: number) => `${from}>${to}`;

/** The value every partition key holds under this record. */
export function partitionValueOf(record: LayoutRecord): string {
  return record.switching ? frozenValue(record.partitions, record.switching.to) : layoutValue(record.partitions);
}

/** Appends refused: this process's EVENT_PARTITIONS is not the count the log is laid out in. */
export class LayoutMismatchError extends AppError {
  constructor(
    readonly mine: number,
    readonly recorded: number,
  ) {
    super(
      'UNAVAILABLE',
      `This process runs with EVENT_PARTITIONS=${mine}, but the event log is laid out in ${recorded} partitions. ` +
        `Redeploy it with EVENT_PARTITIONS=${recorded}; nothing was written.`,
    );
  }
}

/** Appends refused for a moment: a switch froze the partition. Retryable. */
export class PartitionFrozenError extends AppError {
  constructor(
    readonly from: number,
    readonly to: number,
  ) {
    super('UNAVAILABLE', `The event log is being re-partitioned (${from} → ${to} partitions), so changes are paused for a moment. Try again shortly; nothing was written.`);
  }
}

/** A process (a worker, a rebuild) started while a switch is under way. */
export class LayoutSwitchingError extends AppError {
  constructor(from: number, to: number) {
    super('UNAVAILABLE', `A switch of the event log from ${from} to ${to} partitions is under way. Once \`npm run partitions -- switch ${to}\` has finished, start this process with EVENT_PARTITIONS=${to}.`);
  }
}

const FROZEN = /^(\d+)>(\d+)$/;

/**
 * Throws unless a process with `partitions` may write a partition whose
 * layout key holds `raw`. Returns false when the key holds nothing yet
 * (a fresh key space: the append records it).
 */
export function assertPartitionLayout(raw: string | null | undefined, partitions: number): boolean {
  if (raw === null || raw === undefined) return false;
  if (raw === layoutValue(partitions)) return true;
  const frozen = FROZEN.exec(raw);
  if (frozen) throw new PartitionFrozenError(Number(frozen[1]), Number(frozen[2]));
  throw new LayoutMismatchError(partitions, Number(raw));
}

export async function readLayoutRecord(redis: Redis, keys: Keys): Promise<LayoutRecord | null> {
  const raw = await redis.get(keys.layoutRecord());
  return raw === null ? null : layoutRecordSchema.parse(JSON.parse(raw));
}

export async function writeLayoutRecord(redis: Redis, keys: Keys, record: LayoutRecord): Promise<void> {
  await redis.set(keys.layoutRecord(), JSON.stringify(record));
}

/** The recorded layout; a key space with none records `partitions` now (racing processes agree on the first). */
export async function recordLayout(redis: Redis, keys: Keys, partitions: number): Promise<LayoutRecord> {
  const found = await readLayoutRecord(redis, keys);
  if (found) return found;
  const streams = await Promise.all(Array.from({ length: partitions }, (_, p) => redis.exists(keys.stream(p))));
  const held = streams.some((n) => n > 0);
  const record: LayoutRecord = { partitions, epoch: 0, indexedSince: held ? new Date().toISOString() : null, switching: null };
  await redis.set(keys.layoutRecord(), JSON.stringify(record), { condition: 'NX' });
  const recorded = await readLayoutRecord(redis, keys);
  if (!recorded) throw new Error(`Redis lost ${keys.layoutRecord()} while it was being recorded; try again.`);
  return recorded;
}

/** Fills one partition's layout key from the record (recording the layout first on a fresh key space). */
export async function fillPartitionLayout(redis: Redis, keys: Keys, partitions: number, partition: number): Promise<void> {
  const record = await recordLayout(redis, keys, partitions);
  await redis.set(keys.layout(partition), partitionValueOf(record), { condition: 'NX' });
}

/** Sets every partition's layout key to `value`: all MAX_PARTITIONS, so a process with any count meets it. */
export async function setPartitionLayouts(redis: Redis, keys: Keys, value: string): Promise<void> {
  await Promise.all(Array.from({ length: MAX_PARTITIONS }, (_, p) => redis.set(keys.layout(p), value)));
}

/**
 * For processes as they start (a worker) and drains: throws unless the
 * recorded layout is `partitions` (recording it on a fresh key space). With
 * `draining`, a switch away from `partitions` passes too: draining the old
 * partitions is what the switch waits for.
 */
export async function assertLayout(redis: Redis, keys: Keys, partitions: number, opts: { draining?: boolean } = {}): Promise<LayoutRecord> {
  const record = await recordLayout(redis, keys, partitions);
  if (record.switching) {
    if (opts.draining && record.partitions === partitions && record.switching.phase === 'frozen') return record;
    throw new LayoutSwitchingError(record.partitions, record.switching.to);
  }
  if (record.partitions !== partitions) throw new LayoutMismatchError(partitions, record.partitions);
  return record;
}
