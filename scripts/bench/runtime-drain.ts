/**
 * Drains a stream with the product's projector runtime (leases, fences,
 * checkpoints, decoding, dead-letter bookkeeping, change notices) in drains
 * of about a second, as the worker's loop does, until a drain finds nothing
 * left. Used for the simple projector, the archive alone and the app's full
 * projector set, over every partition or (the capacity scenario's workers)
 * only some.
 */
import { performance } from 'node:perf_hooks';
import type { AnyCatalogue } from '../../src/server/events/catalogue';
import type { Projector } from '../../src/server/projectors/define-projector';
import { createProjectorRuntime } from '../../src/server/projectors/runtime';
import type { Keys } from '../../src/server/redis/keys';
import type { Clients } from './clients';
import { PARTITIONS } from './measure';
import { BATCH_SIZE } from './raw';

/** The worker's own drain length (src/server/projectors/worker.ts). */
const SLICE_MS = 1_000;

export interface RuntimeDrain {
  /** Entries handled, summed over the projectors (each projector handles every entry once). */
  handled: number;
  ms: number;
  cut: boolean;
}

export async function drainWithRuntime(
  clients: Clients,
  keys: Keys,
  catalogue: AnyCatalogue,
  projectors: ReadonlyArray<Projector>,
  workerId: string,
  limitMs: number,
  onProgress?: (handled: number) => void,
  /** Only these partitions, as a worker holding just them (default: all). */
  partitions?: ReadonlyArray<number>,
): Promise<RuntimeDrain> {
  const { db, redis, logger } = clients;
  const runtime = createProjectorRuntime({ db, redis, keys, logger, catalogue, projectors, partitions: PARTITIONS, workerId, batchSize: BATCH_SIZE });
  let handled = 0;
  const t0 = performance.now();
  const deadline = t0 + limitMs;
  try {
    for (;;) {
      const left = deadline - performance.now();
      if (left <= 0) return { handled, ms: performance.now() - t0, cut: true };
      const { events } = await runtime.drain({ maxMs: Math.min(left, SLICE_MS), maxEvents: Number.MAX_SAFE_INTEGER, ...(partitions ? { partitions } : {}) });
      handled += events;
      onProgress?.(handled);
      if (events === 0) return { handled, ms: performance.now() - t0, cut: false };
    }
  } finally {
    await runtime.releaseAll();
  }
}
