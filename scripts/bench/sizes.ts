/**
 * How much work each of the bench's own scenarios does at each setting, and
 * how long a phase may run before it stops and reports the rate it reached.
 * The runner writes these into the JSON's settings. Edit them when a setting
 * no longer fits its budget: `--quick` must keep the WHOLE run (HTTP and SSE
 * scenarios included) under 5 minutes on a 2-core machine.
 */
import type { Bench } from './contract';

export interface Sizes {
  /** Append operations per side (bare XADD, appendEvents). */
  appendOps: number;
  /** Events preloaded for the drain (each stream) and replayed by the rebuild. */
  drainEvents: number;
  /** Time limits per measured phase; a phase cut short is flagged `cut`. */
  appendLimitMs: number;
  /** Each side of the drain over the bench stream, and the rebuild's replay. */
  drainLimitMs: number;
  /** The app's whole projector set, by far the slowest phase: several handlers, several statements per event. */
  realSetLimitMs: number;
  preloadLimitMs: number;
}

export type SizeSetting = 'smallest' | 'quick' | 'full';

const SIZES: Record<SizeSetting, Sizes> = {
  // The sizes.
  full: { appendOps: 20_000, drainEvents: 100_000, appendLimitMs: 60_000, drainLimitMs: 180_000, realSetLimitMs: 1_200_000, preloadLimitMs: 300_000 },
  // At most about a minute for append, drain and rebuild together on 2 shared cores.
  quick: { appendOps: 4_000, drainEvents: 2_000, appendLimitMs: 15_000, drainLimitMs: 30_000, realSetLimitMs: 60_000, preloadLimitMs: 60_000 },
  // Every code path, in seconds: what `npm test` runs.
  smallest: { appendOps: 300, drainEvents: 300, appendLimitMs: 30_000, drainLimitMs: 60_000, realSetLimitMs: 60_000, preloadLimitMs: 60_000 },
};

export function sizeSetting(bench: Pick<Bench, 'quick' | 'smallest'>): SizeSetting {
  return bench.smallest ? 'smallest' : bench.quick ? 'quick' : 'full';
}

export function sizesOf(bench: Pick<Bench, 'quick' | 'smallest'>): Sizes {
  return SIZES[sizeSetting(bench)];
}

/** The capacity scenario's work at each setting (`--only capacity`; not part of the default run). */
export interface CapacitySizes {
  append: { ops: number; limitMs: number; warmUp: number };
  drain: { events: number; limitMs: number; preloadLimitMs: number; rounds: 1 | 2 };
  fanout: { subscribers: number; steps: number[]; stepSeconds: number; hubNotices: number; burstNotices: number; idleSeconds: number };
  read: { tasks: number; seconds: number; concurrency: number };
}

const FANOUT_STEPS = [2, 5, 10, 25, 50, 100, 200, 400, 800];

const CAPACITY_SIZES: Record<SizeSetting, CapacitySizes> = {
  // About five minutes on 2 shared cores, most of it the drain's preloads and drains.
  full: {
    append: { ops: 20_000, limitMs: 30_000, warmUp: 2_000 },
    drain: { events: 20_000, limitMs: 600_000, preloadLimitMs: 300_000, rounds: 2 },
    fanout: { subscribers: 200, steps: FANOUT_STEPS, stepSeconds: 4, hubNotices: 2_000, burstNotices: 50, idleSeconds: 5 },
    read: { tasks: 150, seconds: 10, concurrency: 16 },
  },
  quick: {
    append: { ops: 4_000, limitMs: 10_000, warmUp: 1_000 },
    drain: { events: 4_000, limitMs: 120_000, preloadLimitMs: 60_000, rounds: 2 },
    fanout: { subscribers: 100, steps: FANOUT_STEPS, stepSeconds: 2, hubNotices: 500, burstNotices: 20, idleSeconds: 2 },
    read: { tasks: 100, seconds: 4, concurrency: 16 },
  },
  smallest: {
    append: { ops: 300, limitMs: 30_000, warmUp: 64 },
    drain: { events: 300, limitMs: 60_000, preloadLimitMs: 60_000, rounds: 1 },
    fanout: { subscribers: 10, steps: [5, 10], stepSeconds: 1, hubNotices: 50, burstNotices: 5, idleSeconds: 1 },
    read: { tasks: 5, seconds: 1, concurrency: 4 },
  },
};

export function capacitySizesOf(bench: Pick<Bench, 'quick' | 'smallest'>): CapacitySizes {
  return CAPACITY_SIZES[sizeSetting(bench)];
}
