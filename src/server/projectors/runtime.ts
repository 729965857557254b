/**
 * The projector runtime's public entry point: `createProjectorRuntime` and its
 * `drain()`, the one bounded loop that the long-running worker repeats and
 * serverless triggers call once. It holds leases on partitions (./leases.ts),
 * reads each projector's consumer group (./read.ts), applies batches exactly
 * once and in order (./apply-batch.ts), then acknowledges the entries and
 * sends change notices (~/server/realtime/notice-writer.ts). A projector that
 * has not seen events the streams no longer hold (new since the last trim)
 * first gets them from the archive (./archive-fill.ts).
 *
 * Edit it when the loop itself changes: which partitions a drain takes, in
 * what order it visits them, when it stops.
 */
import type { Logger } from 'pino';
import type { AnyCatalogue } from '~/server/events/catalogue';
import type { Db } from '~/server/db/client';
import type { Redis } from '~/server/redis/client';
import type { Keys } from '~/server/redis/keys';
import { report, type Observer } from '~/server/observer';
import { createNoticeWriter } from '~/server/realtime/notice-writer';
import { applyBatch, type BatchDeps, type BatchResult } from './apply-batch';
import { createArchiveFill, type FillState } from './archive-fill';
import { acknowledgeable, backoffMs } from './batch';
import type { Projector } from './define-projector';
import { createLeases, LeaseLostError } from './leases';
import { createReader, type GroupCursor } from './read';

/** No partition waits longer than this on a backoff, whatever `retryMaxMs` says. */
export const MAX_BACKOFF_MS = 1_000;

export interface RuntimeOptions {
  db: Db;
  redis: Redis;
  keys: Keys;
  catalogue: AnyCatalogue;
  projectors: ReadonlyArray<Projector>;
  partitions: number;
  /** Unique per process; also the consumer name in every group. */
  workerId: string;
  logger: Logger;
  batchSize?: number;
  leaseMs?: number;
  /** Handler attempts per event, all within one batch, before the event is parked. Default 3. */
  maxAttempts?: number;
  /**
   * Backoff of a (projector, partition) after its batch transaction itself
   * failed (a lost connection, a failed commit), n-th time in a row:
   * min(base · 2^(n-1), max, MAX_BACKOFF_MS). Handler failures never back off.
   */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Length kept in each organization's change-notice stream. */
  noticesMaxLen?: number;
  /** Batches in flight at once in a drain, each (partition, projector) at most one. Default 8. */
  concurrency?: number;
  /** Checked before every drain: the app passes the key space's pairing with its database (src/server/events/identity.ts). */
  guard?: () => Promise<unknown>;
  /** Test hook: called at named points of a batch, to inject crashes. */
  faults?: (point: 'before-commit' | 'after-commit') => void | Promise<void>;
  /** Told of every batch and change notice (metrics); never fails one. */
  observer?: Observer;
}

export interface DrainOptions {
  /** Only these partitions (default: all). */
  partitions?: ReadonlyArray<number>;
  /** Only these projectors, by name (default: all). */
  projectors?: ReadonlyArray<string>;
  maxMs: number;
  maxEvents: number;
  /** At most this many partitions held at once (fair share among workers). */
  maxPartitions?: number;
  /** Give the leases back at the end (serverless); a long-running worker keeps them. */
  releaseLeases?: boolean;
  /** Stop after the current batch once aborted (a caller that got what it waited for). */
  signal?: AbortSignal;
}

export interface DrainResult {
  /** Entries applied, parked or skipped as already applied. */
  events: number;
  /** Partitions this drain held at its end. */
  partitions: number[];
  /** Pending entries taken over from other consumers (dead drains and workers) before reading on. */
  claimed: number;
}

interface GroupState extends GroupCursor {
  /** Whether archived events come first (see ./archive-fill.ts). */
  fill: FillState;
  /** Batch transactions that failed in a row. */
  failures: number;
  /** Do not read before this time. */
  retryAt: number;
}

export type ProjectorRuntime = ReturnType<typeof createProjectorRuntime>;

/**
 * Runs the tasks, at most `limit` at a time, starting none once `stop()` says
 * so or one has failed; waits for those started. Returns the first failure.
 */
async function inParallel(tasks: ReadonlyArray<() => Promise<void>>, limit: number, stop: () => boolean): Promise<{ error: unknown } | null> {
  let next = 0;
  let failure: { error: unknown } | null = null;
  const lane = async () => {
    while (next < tasks.length && !failure && !stop()) {
      const task = tasks[next++];
      try {
        await task?.();
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, lane));
  return failure;
}

export function createProjectorRuntime(opts: RuntimeOptions) {
  const { redis, keys, projectors, workerId } = opts;
  const batchSize = opts.batchSize ?? 500;
  const concurrency = Math.max(1, opts.concurrency ?? 8);
  const leaseMs = opts.leaseMs ?? 10_000;
  const retryBaseMs = opts.retryBaseMs ?? 100;
  const retryMaxMs = Math.min(opts.retryMaxMs ?? MAX_BACKOFF_MS, MAX_BACKOFF_MS);
  const log = opts.logger.child({ component: 'projectors', workerId });
  const names = new Set<string>();
  const owners = new Map<string, string>();
  for (const p of projectors) {
    if (names.has(p.name)) throw new Error(`Projector "${p.name}" is registered twice.`);
    names.add(p.name);
    if (p.kind === 'projector' && p.tables.length === 0) throw new Error(`Projector "${p.name}" lists no tables; every projector names the tables it writes.`);
    for (const table of p.tables) {
      const owner = owners.get(table);
      if (owner) throw new Error(`Table ${table} is written by two projectors, "${owner}" and "${p.name}"; each table has one owner.`);
      owners.set(table, p.name);
    }
  }

  const leases = createLeases({ redis, keys, workerId, leaseMs, log });
  const reader = createReader({ redis, keys, workerId, batchSize });
  const notices = createNoticeWriter({ redis, keys, logger: log, maxLen: opts.noticesMaxLen, observer: opts.observer });
  const batchDeps: BatchDeps = {
    db: opts.db,
    catalogue: opts.catalogue,
    maxAttempts: opts.maxAttempts ?? 3,
    log,
    contiguousRun: reader.contiguousRun,
    beforeCommit: opts.faults && (() => opts.faults?.('before-commit')),
  };
  const archiveFill = createArchiveFill({ db: opts.db, redis, keys, pageSize: batchSize });
  // An archived page continues the log right after the checkpoint by construction: no stream to compare it with.
  const fillDeps: BatchDeps = { ...batchDeps, contiguousRun: async (_partition, _afterId, entries) => entries };

  const groups = new Map<string, GroupState>();
  const groupState = (projector: string, partition: number): GroupState => {
    const key = `${projector}/${partition}`;
    let state = groups.get(key);
    if (!state) {
      state = { ready: false, pending: true, fill: { stage: 'unchecked' }, failures: 0, retryAt: 0 };
      groups.set(key, state);
    }
    return state;
  };
  /** Whatever earlier holders (or this worker, before a hand-over) left pending must be claimed first. */
  const markPending = (partition: number) => {
    for (const p of projectors) groupState(p.name, partition).pending = true;
  };

  async function acquire(partition: number): Promise<'new' | 'renewed' | false> {
    const got = await leases.acquire(partition);
    if (got === 'new') markPending(partition);
    return got;
  }

  async function release(partition: number): Promise<void> {
    if (await leases.release(partition)) markPending(partition);
  }

  /** Reads and applies one batch. `handled`: entries acknowledged; `more`: worth calling again now; `claimed`: see DrainResult. */
  async function processBatch(projector: Projector, partition: number): Promise<{ handled: number; more: boolean; claimed: number }> {
    const none = { handled: 0, more: false, claimed: 0 };
    const fence = leases.fence(partition);
    if (fence === undefined) return none;
    const state = groupState(projector.name, partition);
    if (Date.now() < state.retryAt) return none;
    await reader.ensureGroup(projector.name, partition, state);
    const archived = await archiveFill.nextPage(projector, partition, state);
    const { entries, fresh, claimed } = archived ? { entries: archived, fresh: false, claimed: 0 } : await reader.readBatch(projector.name, partition, state);
    if (entries.length === 0) return { ...none, claimed };

    let result: BatchResult;
    const started = performance.now();
    try {
      result = await applyBatch(archived ? fillDeps : batchDeps, projector, partition, fence, entries, fresh);
    } catch (error) {
      state.pending = true;
      if (error instanceof LeaseLostError) {
        log.warn({ partition }, 'lease taken over by another worker; stepping back');
        leases.forget(partition);
        return { ...none, claimed };
      }
      report(opts.observer, (o) => o.batchFailed?.({ projector: projector.name, partition }));
      state.failures += 1;
      state.retryAt = Date.now() + backoffMs(state.failures, retryBaseMs, retryMaxMs);
      throw error;
    }
    state.failures = 0;
    state.retryAt = 0;
    await opts.faults?.('after-commit');
    if (archived) {
      archiveFill.filled(state, result.lastId);
      if (projector.notify && result.touched.size > 0) await notices.send(projector.name, partition, result.touched);
      return { handled: entries.length, more: true, claimed };
    }

    const done = acknowledgeable(entries, result.lastId);
    report(opts.observer, (o) => o.batch?.({ projector: projector.name, partition, events: done.length, seconds: (performance.now() - started) / 1000 }));
    await reader.acknowledge(projector.name, partition, done);
    if (result.gap) state.pending = true; // claim the missing entries before going on
    if (projector.notify && result.touched.size > 0) await notices.send(projector.name, partition, result.touched);
    return { handled: done.length, more: done.length > 0 || result.gap, claimed };
  }

  const allPartitions = Array.from({ length: opts.partitions }, (_, i) => i);

  /** Renews what this worker holds, gives back what exceeds `limit`, then takes free ones up to it. Returns the newly taken. */
  async function balance(wanted: ReadonlyArray<number>, limit: number): Promise<number[]> {
    const held = () => leases.held().filter((p) => wanted.includes(p));
    const taken: number[] = [];
    for (const p of held()) if ((await acquire(p)) === 'new') taken.push(p);
    while (held().length > limit) await release(held().at(-1) ?? -1);
    for (const p of wanted) {
      if (held().length >= limit) break;
      if (!leases.has(p) && (await acquire(p)) === 'new') taken.push(p);
    }
    return taken;
  }

  async function drain(options: DrainOptions): Promise<DrainResult> {
    await opts.guard?.();
    const deadline = Date.now() + options.maxMs;
    const wanted = options.partitions ?? allPartitions;
    const held = () => leases.held().filter((p) => wanted.includes(p));
    await balance(wanted, options.maxPartitions ?? wanted.length);

    const active = options.projectors ? projectors.filter((p) => options.projectors?.includes(p.name)) : projectors;
    let events = 0;
    let claimed = 0;
    let renewedAt = Date.now();
    try {
      for (;;) {
        if (Date.now() - renewedAt > leaseMs / 3) {
          for (const p of held()) await acquire(p);
          renewedAt = Date.now();
        }
        const stop = () => Date.now() >= deadline || events >= options.maxEvents || options.signal?.aborted === true;
        if (stop()) return { events, partitions: held(), claimed };
        // One batch of every (partition, projector) per round, several at once: their groups,
        // checkpoints and tables are independent, and the round trips of one overlap another's.
        let progress = false;
        const round = held().flatMap((partition) =>
          active.map((projector) => async () => {
            const batch = await processBatch(projector, partition);
            events += batch.handled;
            claimed += batch.claimed;
            if (batch.more) progress = true;
          }),
        );
        const failure = await inParallel(round, concurrency, stop);
        if (failure) throw failure.error;
        if (!progress) return { events, partitions: held(), claimed };
      }
    } finally {
      if (options.releaseLeases) for (const p of held()) await release(p);
    }
  }

  return {
    drain,
    leaseMs,
    /**
     * Lease upkeep without reading anything: renew, give back beyond
     * `maxPartitions`, take free ones up to it. Returns the partitions newly
     * taken (their groups must be drained: earlier holders may have left entries pending).
     */
    balanceLeases: (maxPartitions: number) => balance(allPartitions, maxPartitions),
    heldPartitions: () => leases.held().sort((a, b) => a - b),
    releaseAll: async () => {
      for (const p of leases.held()) await release(p);
    },
    /** How long until a backed-off batch may be retried (0 when none waits); never more than MAX_BACKOFF_MS. */
    nextRetryInMs: () => {
      const waits = [...groups.values()].map((g) => g.retryAt - Date.now()).filter((ms) => ms > 0);
      return waits.length > 0 ? Math.min(...waits) : 0;
    },
  };
}
