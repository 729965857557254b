/**
 * The long-running worker loop around `runtime.drain()`: heartbeat, fair
 * share of partitions among live workers, wake-up on new entries, periodic
 * trimming and progress logs. `npm run worker` runs it; tests run it too.
 */
import type { Logger } from 'pino';
import { z } from 'zod';
import { compareStreamIds } from '~/server/events/envelope';
import { errorMessage } from '~/server/errors';
import type { BlockingReads, StreamRead } from '~/server/redis/blocking-reads';
import { MAX_BLOCK_MS, type Redis } from '~/server/redis/client';
import type { Keys } from '~/server/redis/keys';
import type { ProjectorRuntime } from './runtime';
import type { ProjectorsStatus } from './status';

export interface WorkerOptions {
  runtime: ProjectorRuntime;
  redis: Redis;
  /** Blocking connections for the wake-up read (one on a single server, one per partition read on a cluster). */
  blocking: BlockingReads;
  keys: Keys;
  partitions: number;
  workerId: string;
  projectorNames: ReadonlyArray<string>;
  logger: Logger;
  signal: AbortSignal;
  /** How often the worker says it is alive (and learns how many others are); it counts as gone after three missed beats. */
  heartbeatMs?: number;
  /** How often held leases are renewed; default half the lease time. */
  renewEveryMs?: number;
  /** Longest idle wait for new entries. */
  blockMs?: number;
  trimEveryMs?: number;
  trim?: () => Promise<unknown>;
  /** Lag and stalls, logged with each progress report. */
  status?: () => Promise<ProjectorsStatus>;
  reportEveryMs?: number;
  /** While nothing is applied, lag and stalls are checked this rarely. */
  idleReportEveryMs?: number;
}

/** First wait before a worker short of its share asks for free partitions again; doubles up to the renewal interval. */
const SHORT_RETRY_MS = 1_000;

/** Trimming also forgets dead consumers; idle, once an hour is plenty. */
const IDLE_TRIM_MS = 3_600_000;

const groupsReply = z.array(z.object({ name: z.string(), 'last-delivered-id': z.string() }).loose());

/**
 * Idle, the worker costs Redis a few dozen commands a minute: one blocking
 * read on its partitions at a time, lease renewals and heartbeats on their own
 * clocks, and nothing else. Groups are read only after the blocking read saw
 * a new entry, after a lease changed hands, or when a backed-off batch is due.
 */
export async function runWorker(opts: WorkerOptions): Promise<void> {
  const { runtime, redis, keys, signal } = opts;
  const log = opts.logger.child({ component: 'worker', workerId: opts.workerId });
  const heartbeatMs = opts.heartbeatMs ?? 20_000;
  const renewEveryMs = opts.renewEveryMs ?? runtime.leaseMs / 2;
  const blockMs = Math.min(opts.blockMs ?? 25_000, MAX_BLOCK_MS);
  const trimEveryMs = opts.trimEveryMs ?? 60_000;
  const reportEveryMs = opts.reportEveryMs ?? 10_000;
  const idleReportEveryMs = opts.idleReportEveryMs ?? 300_000;
  const due = { heartbeat: 0, renew: 0 };
  let share = opts.partitions;
  /** While it holds less than its share: the current wait before asking for free partitions again (0: not short). */
  let shortOfShare = 0;
  /** Something may wait in the groups: read them before blocking again. */
  let dirty = true;
  /** Per held partition, the stream id every group has been delivered up to (what the blocking read starts from). */
  let caughtUp: Array<{ key: string; id: string }> = [];
  const sinceReport = { applied: 0, at: Date.now() };
  const sinceTrim = { applied: 0, at: Date.now() };

  /** Lag and stalls in the log: soon after work, rarely while idle (the status costs a few commands per projector). */
  const reportIfDue = async () => {
    const since = Date.now() - sinceReport.at;
    if (!((sinceReport.applied > 0 && since >= reportEveryMs) || since >= idleReportEveryMs)) return;
    const held = runtime.heldPartitions();
    const status = await opts.status?.().catch(() => undefined);
    const lag = status?.partitions.reduce((n, p) => n + (p.lag ?? 0), 0) ?? null;
    const stalled = status?.partitions.filter((p) => p.stalled).map((p) => `${p.projector}/p${p.partition}`) ?? [];
    if (stalled.length > 0) log.warn({ applied: sinceReport.applied, held, lag, stalled }, 'projectors stalled');
    else if (sinceReport.applied > 0 || (lag ?? 0) > 0) log.info({ applied: sinceReport.applied, held, lag }, 'progress');
    Object.assign(sinceReport, { applied: 0, at: Date.now() });
  };

  /** Trims after work; idle, only to forget dead consumers now and then. */
  const trimIfDue = async () => {
    const since = Date.now() - sinceTrim.at;
    if (!opts.trim || !((sinceTrim.applied > 0 && since >= trimEveryMs) || since >= IDLE_TRIM_MS)) return;
    Object.assign(sinceTrim, { applied: 0, at: Date.now() });
    await opts.trim().catch((error: unknown) => log.warn({ err: errorMessage(error) }, 'trim failed'));
  };

  log.info({ partitions: opts.partitions, projectors: opts.projectorNames }, 'worker started');
  while (!signal.aborted) {
    try {
      const now = Date.now();
      if (now >= due.heartbeat) {
        const before = share;
        share = Math.ceil(opts.partitions / Math.max(1, await beat(redis, keys, opts.workerId, now, heartbeatMs * 3)));
        due.heartbeat = now + heartbeatMs;
        // A worker came or went, or this one holds less than its share: rebalance now, not at the next renewal.
        if (share !== before || runtime.heldPartitions().length < share) due.renew = now;
      }
      if (!dirty && now >= due.renew) {
        const taken = await runtime.balanceLeases(share);
        // Short of its share (a request's drain held a partition a moment ago): ask again soon, backing off, not a renewal later.
        shortOfShare = runtime.heldPartitions().length < share ? Math.min(Math.max(SHORT_RETRY_MS, shortOfShare * 2), renewEveryMs) : 0;
        due.renew = now + (shortOfShare || renewEveryMs);
        if (taken.length > 0 || runtime.heldPartitions().length !== caughtUp.length) dirty = true;
      }
      if (dirty) {
        const result = await runtime.drain({ maxMs: 1_000, maxEvents: 20_000, maxPartitions: share });
        due.renew = Date.now() + (runtime.heldPartitions().length < share ? SHORT_RETRY_MS : renewEveryMs); // a drain renews every lease it holds
        sinceReport.applied += result.events;
        sinceTrim.applied += result.events;
        dirty = result.events > 0;
        if (!dirty) caughtUp = await deliveredUpTo(opts, result.partitions);
      }
      await reportIfDue();
      await trimIfDue();
      if (dirty) continue;
      const retryInMs = runtime.nextRetryInMs();
      const until = Math.min(due.heartbeat, due.renew, retryInMs > 0 ? Date.now() + retryInMs : Infinity);
      const woken = await waitForEntries(opts, caughtUp, Math.min(blockMs, until - Date.now()));
      dirty = woken || (retryInMs > 0 && Date.now() >= until);
    } catch (error) {
      if (signal.aborted) break;
      log.error({ err: errorMessage(error) }, 'drain failed; retrying shortly');
      dirty = true;
      await sleep(1_000, signal);
    }
  }
  await runtime.releaseAll().catch(() => undefined);
  await redis.zRem(keys.workers(), opts.workerId).catch(() => undefined);
  log.info('worker stopped');
}

/**
 * Records this worker's heartbeat, forgets workers silent for longer than
 * `expireMs`, and returns how many are live: one round trip (MULTI), no scan.
 */
async function beat(redis: Redis, keys: Keys, workerId: string, now: number, expireMs: number): Promise<number> {
  const [, , live] = await redis.multi().zAdd(keys.workers(), { score: now, value: workerId }).zRemRangeByScore(keys.workers(), '-inf', now - expireMs).zCard(keys.workers()).exec();
  return typeof live === 'number' ? live : 1;
}

/** Where each held partition's groups have all been delivered up to: the blocking read's starting points. */
async function deliveredUpTo(opts: WorkerOptions, partitions: ReadonlyArray<number>): Promise<StreamRead[]> {
  const streams = [];
  for (const partition of partitions) {
    const key = opts.keys.stream(partition);
    const groups = groupsReply.parse(await opts.redis.xInfoGroups(key).catch(() => []));
    const mine = groups.filter((g) => opts.projectorNames.includes(g.name)).map((g) => g['last-delivered-id']);
    streams.push({ key, id: mine.sort(compareStreamIds)[0] ?? '0-0' });
  }
  return streams;
}

/**
 * Blocks until one of `streams` has an entry after its id, or `ms` passes. True when woken by an entry.
 * On a cluster the partitions' streams are in different slots: one read per slot, all at once; the
 * first to see an entry ends the others.
 */
async function waitForEntries(opts: WorkerOptions, streams: ReadonlyArray<StreamRead>, ms: number): Promise<boolean> {
  if (ms <= 0) return false;
  if (streams.length === 0) {
    await sleep(ms, opts.signal);
    return false;
  }
  const byGroup = new Map<string, StreamRead[]>();
  for (const stream of streams) {
    const name = opts.blocking.groupOf(stream.key);
    byGroup.set(name, [...(byGroup.get(name) ?? []), stream]);
  }
  const pending = new Set(byGroup.keys());
  let woken = false;
  const wakeOthers = async () => {
    for (let attempt = 0; attempt < 100 && pending.size > 0; attempt++) {
      for (const name of pending) if (await opts.blocking.group(name).wake()) pending.delete(name);
      if (pending.size > 0) await sleep(5, opts.signal); // a read not blocked yet: it reaches Redis in a moment
    }
  };
  await Promise.all(
    [...byGroup].map(async ([name, group]) => {
      try {
        const reply = await opts.blocking.group(name).read(group, { blockMs: ms, count: 1 });
        pending.delete(name);
        if (reply !== null && !woken) {
          woken = true;
          if (pending.size > 0) await wakeOthers();
        }
      } finally {
        pending.delete(name);
      }
    }),
  );
  return woken;
}

/** Waits `ms`, or less when `signal` aborts; leaves no listener behind (it is called many times a minute). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
