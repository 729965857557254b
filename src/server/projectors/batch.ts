/**
 * The pure decisions of a batch, kept apart from I/O so they can be
 * property-tested: what is already applied, how far a batch continues the
 * stream without a gap, what to acknowledge, how long to back off.
 */
import { compareStreamIds } from '~/server/events/envelope';

/** Entries after the checkpoint; those at or below it were applied by an earlier batch. */
export function unappliedAfter<T extends { id: string }>(batch: ReadonlyArray<T>, checkpointId: string): T[] {
  return batch.filter((entry) => compareStreamIds(entry.id, checkpointId) > 0);
}

/**
 * How many of `batch` match the stream right after the checkpoint, entry for
 * entry. Anything past the first mismatch is held elsewhere (a gap) and must
 * wait, or order breaks.
 */
export function contiguousPrefix(batch: ReadonlyArray<{ id: string }>, streamAfterCheckpoint: ReadonlyArray<{ id: string }>): number {
  let n = 0;
  while (n < batch.length && streamAfterCheckpoint[n]?.id === batch[n]?.id) n += 1;
  return n;
}

/** Ids to acknowledge once the checkpoint reached `lastId`: everything at or below it. */
export function acknowledgeable(batch: ReadonlyArray<{ id: string }>, lastId: string): string[] {
  return batch.filter((entry) => compareStreamIds(entry.id, lastId) <= 0).map((entry) => entry.id);
}

/** Wait before retrying after the n-th failure: doubling from `baseMs`, capped at `maxMs`. */
export function backoffMs(attempts: number, baseMs: number, maxMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempts - 1), maxMs);
}
