/**
 * The long-running worker loop around `runtime.drain()`: heartbeat, fair
 * share of partitions among live workers, wake-up on new entries, periodic
 * trimming and progress logs. `npm run worker` runs it; tests run it too.
 */
import type { Logger } from 'pino';
import { z } from 'zod';
import { compareStreamIds } from '~/server/events/envelope';
import { errorMessage } from '~/server/errors';
import type { Redis } from '~/server/redis/client';
import type { Keys } from '~/server/redis/keys';
import type { ProjectorRuntime } from './runtime';
import type { ProjectorsStatus } from './status';

export interface WorkerOptions {
  runtime: ProjectorRuntime;
  redis: Redis;
  /** A dedicated connection for the blocking wake-up read. */
  blockingRedis: Redis;
  keys: Keys;
  partitions: number;
  workerId: string;
  projectorNames: ReadonlyArray<string>;
  logger: Logger;
  signal: AbortSignal;
  heartbeatMs?: number;
  /** Longest idle wait for new entries; keep well below the lease time. */
  blockMs?: number;
  trimEveryMs?: number;
  trim?: () => Promise<unknown>;
  /** Lag and stalls, logged with each progress report. */
  status?: () => Promise<ProjectorsStatus>;
  reportEveryMs?: number;
}

const groupsReply = z.array(z.object({ name: z.string(), 'last-delivered-id': z.string() }).loose());

export async function runWorker(opts: WorkerOptions): Promise<void> {
  const { runtime, redis, keys, signal } = opts;
  const log = opts.logger.child({ component: 'worker', workerId: opts.workerId });
  const heartbeatMs = opts.heartbeatMs ?? 2_000;
  const blockMs = opts.blockMs ?? 4_000;
  let lastHeartbeat = 0;
  let lastTrim = Date.now();
  let share = opts.partitions;
  let applied = 0;
  let lastReport = Date.now();

  const heartbeat = async () => {
    const now = Date.now();
    share = Math.ceil(opts.partitions / Math.max(1, await beat(redis, keys, opts.workerId, now, heartbeatMs * 3)));
    lastHeartbeat = now;
  };

  const report = async (appliedSince: number, held: number[]) => {
    const status = await opts.status?.().catch(() => undefined);
    const lag = status?.partitions.reduce((n, p) => n + (p.lag ?? 0), 0) ?? null;
    const stalled = status?.partitions.filter((p) => p.stalled).map((p) => `${p.projector}/p${p.partition}`) ?? [];
    if (stalled.length > 0) log.warn({ applied: appliedSince, held, lag, stalled }, 'projectors stalled');
    else if (appliedSince > 0 || (lag ?? 0) > 0) log.info({ applied: appliedSince, held, lag }, 'progress');
  };

  log.info({ partitions: opts.partitions, projectors: opts.projectorNames }, 'worker started');
  while (!signal.aborted) {
    try {
      if (Date.now() - lastHeartbeat >= heartbeatMs) await heartbeat();
      const result = await runtime.drain({ maxMs: 1_000, maxEvents: 20_000, maxPartitions: share });
      applied += result.events;
      if (Date.now() - lastReport >= (opts.reportEveryMs ?? 10_000)) {
        await report(applied, result.partitions);
        applied = 0;
        lastReport = Date.now();
      }
      if (opts.trim && Date.now() - lastTrim >= (opts.trimEveryMs ?? 60_000)) {
        lastTrim = Date.now();
        await opts.trim().catch((error: unknown) => log.warn({ err: errorMessage(error) }, 'trim failed'));
      }
      if (result.events === 0) await waitForEntries(opts, result.partitions, Math.min(blockMs, runtime.nextRetryInMs() || blockMs));
    } catch (error) {
      if (signal.aborted) break;
      log.error({ err: errorMessage(error) }, 'drain failed; retrying shortly');
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

/** Blocks until a held partition has an entry its groups have not read, or `ms` passes. */
async function waitForEntries(opts: WorkerOptions, partitions: number[], ms: number) {
  if (partitions.length === 0) return sleep(ms, opts.signal);
  const streams = [];
  for (const partition of partitions) {
    const key = opts.keys.stream(partition);
    const groups = groupsReply.parse(await opts.redis.xInfoGroups(key).catch(() => []));
    const mine = groups.filter((g) => opts.projectorNames.includes(g.name)).map((g) => g['last-delivered-id']);
    const from = mine.sort(compareStreamIds)[0] ?? '0-0';
    streams.push({ key, id: from });
  }
  await opts.blockingRedis.xRead(streams, { BLOCK: Math.max(1, ms), COUNT: 1 });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}
