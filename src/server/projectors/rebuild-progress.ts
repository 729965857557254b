/**
 * How far a rebuild is (./rebuild.ts): events done out of the log's length,
 * the rate so far and the time left at that rate. The log's length is every
 * entry ever added to the partition streams (`entries-added`, which trimming
 * does not lower), looked at again after each catch-up pass since appends
 * go on during a rebuild.
 */
import { z } from 'zod';
import type { Redis } from '~/server/redis/client';
import type { Keys } from '~/server/redis/keys';

export interface RebuildProgress {
  /** Log entries applied (or parked) to the new tables so far. */
  done: number;
  /** Entries in the log, as last looked at (at least `done`). */
  total: number;
  /** Entries per second since the start. */
  perSecond: number;
  /** At that rate; null before there is a rate. */
  secondsLeft: number | null;
  /** The new tables are in place. */
  finished: boolean;
}

/** Calls to the progress callback are at most this often (and once at the end). */
const EVERY_MS = 250;

const streamInfo = z.object({ 'entries-added': z.number() }).loose();

/** Entries ever added to the partition streams. */
export async function streamLengths(redis: Redis, keys: Keys, partitions: number): Promise<number> {
  let total = 0;
  for (let partition = 0; partition < partitions; partition++) {
    const info = await redis.xInfoStream(keys.stream(partition)).then(
      (reply) => streamInfo.parse(reply),
      () => null, // no stream: nothing appended there yet
    );
    total += info?.['entries-added'] ?? 0;
  }
  return total;
}

export function trackProgress(initialTotal: number, onProgress?: (progress: RebuildProgress) => void) {
  const started = Date.now();
  let done = 0;
  let total = initialTotal;
  let reportedAt = 0;
  const snapshot = (finished: boolean): RebuildProgress => {
    const seconds = (Date.now() - started) / 1000;
    const perSecond = seconds > 0 ? done / seconds : 0;
    const shown = Math.max(total, done);
    return { done, total: shown, perSecond, secondsLeft: finished ? 0 : perSecond > 0 ? (shown - done) / perSecond : null, finished };
  };
  const report = (force: boolean) => {
    if (!onProgress || (!force && Date.now() - reportedAt < EVERY_MS)) return;
    reportedAt = Date.now();
    onProgress(snapshot(false));
  };
  return {
    add: (n: number) => {
      done += n;
      report(false);
    },
    refresh: (latest: number) => {
      total = latest;
      report(true);
    },
    done: () => done,
    finish: () => {
      total = done;
      onProgress?.(snapshot(true));
    },
  };
}
