/**
 * Measuring helpers shared by the bench's in-process scenarios: a bounded
 * pool of concurrent callers, rates, how a side's runs are summarised, and
 * number formatting for the detail lines. Edit it when every scenario needs a
 * new way to measure or to summarise.
 */
import { performance } from 'node:perf_hooks';
import { partitionOf } from '../../src/server/redis/keys';

/** Partitions of every event stream the bench writes. */
export const PARTITIONS = 4;
/** Concurrent callers of the append and preload pools. */
export const IN_FLIGHT = 64;

export interface Measured {
  count: number;
  ms: number;
  /** Stopped by the time limit before reaching its count. */
  cut: boolean;
}

export const rate = (m: Measured) => (m.ms > 0 ? (m.count * 1000) / m.ms : 0);

/**
 * Runs `op` `total` times with `inFlight` concurrent callers, stopping early
 * after `limitMs`. `index` numbers the operations 0…total-1 across all
 * callers; `op` returns how much work it did (events, operations).
 */
export async function runPool(total: number, inFlight: number, limitMs: number, op: (worker: number, index: number) => Promise<number>): Promise<Measured> {
  let started = 0;
  let count = 0;
  const t0 = performance.now();
  const deadline = t0 + limitMs;
  await Promise.all(
    Array.from({ length: inFlight }, async (_, worker) => {
      while (started < total && performance.now() < deadline) {
        const index = started;
        started += 1;
        // Not `count += await op()`: that reads `count` before awaiting and loses the other callers' updates.
        const done = await op(worker, index);
        count += done;
      }
    }),
  );
  return { count, ms: performance.now() - t0, cut: started < total };
}

/** `count` organization ids spread evenly over the partitions, so every stream gets its share. */
export function balancedOrganizations(label: string, count: number): string[] {
  const perPartition = Math.ceil(count / PARTITIONS);
  const used = new Array<number>(PARTITIONS).fill(0);
  const ids: string[] = [];
  for (let n = 0; ids.length < count; n++) {
    const id = `${label}-org-${n}`;
    const p = partitionOf(id, PARTITIONS);
    if ((used[p] ?? 0) >= perPartition) continue;
    used[p] = (used[p] ?? 0) + 1;
    ids.push(id);
  }
  return ids;
}

/** One side's figure: the rate that counts, how much work it covers, and whether a time limit cut it. */
export interface Summary {
  rate: number;
  count: number;
  cut: boolean;
}

/** `median` for many short interleaved slices, `best` for a few whole runs. */
export function summarise(runs: ReadonlyArray<Measured>, how: 'median' | 'best'): Summary {
  const rates = runs.map(rate).sort((a, b) => a - b);
  const mid = Math.floor(rates.length / 2);
  const median = rates.length % 2 === 1 ? (rates[mid] ?? 0) : ((rates[mid - 1] ?? 0) + (rates[mid] ?? 0)) / 2;
  return {
    rate: how === 'best' ? (rates.at(-1) ?? 0) : median,
    count: runs.reduce((sum, m) => sum + m.count, 0),
    cut: runs.some((m) => m.cut),
  };
}

export function fmt(n: number | Measured | undefined): string {
  const value = typeof n === 'number' ? n : n ? rate(n) : 0;
  return Math.round(value).toLocaleString('en-US');
}

export function cutNote(m: Measured | undefined): string {
  return m?.cut ? ` (cut at ${fmt(m.count)} after ${(m.ms / 1000).toFixed(0)} s)` : '';
}

export function pairRatio(subject: Measured | undefined, baseline: Measured | undefined): string {
  return subject && baseline && rate(baseline) > 0 ? (rate(subject) / rate(baseline)).toFixed(2) : '-';
}
