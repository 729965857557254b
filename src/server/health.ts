/**
 * Reachability of the services the app needs. `GET /api/health` serves it;
 * load balancers and uptime checks read the status code (200 or 503), people
 * read the body.
 */
import { sql } from 'drizzle-orm';
import type { Env } from '~/env';
import { bearerMatches } from '~/server/bearer';
import type { Db } from '~/server/db';
import { errorMessage } from '~/server/errors';
import type { DurabilityClass, DurabilityProbe } from '~/server/events/durability';
import { LayoutMismatchError, type LayoutRecord } from '~/server/events/layout';
import type { ProjectorsStatus } from '~/server/projectors/status';
import type { Redis } from '~/server/redis';

export interface Check {
  ok: boolean;
  latencyMs: number;
  error?: string;
}

export interface Health {
  ok: boolean;
  checks: {
    postgres: Check;
    redis: Check;
    durability?: Check & { class?: DurabilityClass; detail?: string };
    layout?: Check & LayoutDetail;
    projectors?: Check & { mode?: ProjectorsMode; status?: ProjectorsStatus };
  };
}

/** This process's partition count beside the one the event log is laid out in (`npm run partitions`). */
export interface LayoutDetail {
  partitions?: number;
  /** Absent on a fresh key space: the first append records this process's count. */
  recorded?: number;
  /** A switch under way: commands pause until it finishes, and that is no failure. */
  switchingTo?: number;
}

const CHECK_TIMEOUT_MS = 3_000;

/** How projectors run (`PROJECTORS_MODE`): by long-running workers, or by drains after responses and cron. */
type ProjectorsMode = Env['PROJECTORS_MODE'];

/** What to look at when something stalls: with workers, whether one runs; serverless, whether the cron drain runs. */
const STALL_HINT: Record<ProjectorsMode, string> = {
  worker: 'is a worker running?',
  serverless: 'does the cron drain run? GET /api/cron/drain',
};

/**
 * `projectors`, when given, adds projector liveness: red when an event has
 * waited longer than the stall threshold (no worker, or one that stopped;
 * serverless, no drain since). `mode` says how projectors run; a serverless
 * app has no worker heartbeats, and that is no problem.
 * `durability`, when given, reports what Redis promises about acknowledged
 * appends: red when it is `unsafe` and the app therefore refuses to append.
 * `layout`, when given, compares this process's EVENT_PARTITIONS with the
 * count the log is laid out in: red on a mismatch, since every append of
 * this process is then refused (a deploy with the wrong count, or one left
 * behind by a switch).
 */
export async function checkHealth(deps: {
  db: Db;
  redis: Redis;
  durability?: () => Promise<DurabilityProbe & { refused: boolean }>;
  layout?: { partitions: number; recorded: () => Promise<LayoutRecord | null> };
  projectors?: () => Promise<ProjectorsStatus>;
  mode?: ProjectorsMode;
}): Promise<Health> {
  const mode = deps.mode ?? 'worker';
  const [postgres, redis] = await Promise.all([
    timed(async () => {
      await deps.db.execute(sql`select 1`);
    }),
    timed(async () => {
      await deps.redis.ping();
    }),
  ]);
  const health: Health = { ok: postgres.ok && redis.ok, checks: { postgres, redis } };
  if (deps.durability && health.ok) {
    let probe: (DurabilityProbe & { refused: boolean }) | undefined;
    const check = await timed(async () => {
      probe = await deps.durability?.();
      if (probe?.refused) throw new Error(`appends refused: ${probe.detail}`);
    });
    health.checks.durability = { ...check, class: probe?.class, detail: probe?.detail };
    health.ok = check.ok;
  }
  if (deps.layout && health.ok) {
    const { partitions, recorded } = deps.layout;
    const detail: LayoutDetail = { partitions };
    const check = await timed(async () => {
      const record = await recorded();
      if (!record) return;
      detail.recorded = record.partitions;
      if (record.switching) detail.switchingTo = record.switching.to;
      else if (record.partitions !== partitions) throw new LayoutMismatchError(partitions, record.partitions);
    });
    health.checks.layout = { ...check, ...detail };
    health.ok = check.ok;
  }
  if (deps.projectors && health.ok) {
    let status: ProjectorsStatus | undefined;
    const check = await timed(async () => {
      status = await deps.projectors?.();
      const stalled = status?.partitions.filter((p) => p.stalled) ?? [];
      if (stalled.length > 0) {
        const names = stalled.map((p) => `${p.projector}/p${p.partition}`).join(', ');
        throw new Error(`stalled: ${names} (events waiting over ${status?.stallMs} ms; ${STALL_HINT[mode]})`);
      }
    });
    health.checks.projectors = { ...check, mode, status };
    health.ok = check.ok;
  }
  return health;
}

async function timed(probe: () => Promise<void>): Promise<Check> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([probe(), timeout]);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: errorMessage(error) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Health of this process's connections; with the health token, of the
 * projectors too (their names, lag and dead letters are for operators, not for
 * anyone on the internet, and reading them costs Redis and Postgres queries).
 */
export async function currentHealth(authorization: string | null = null): Promise<Health> {
  const [{ db }, { getRedis, keys }, { appProjectorsStatus }, { durabilityOf }, { readLayoutRecord }, { env }] = await Promise.all([
    import('~/server/db'),
    import('~/server/redis'),
    import('~/server/app/projectors'),
    import('~/server/events/durability'),
    import('~/server/events/layout'),
    import('~/env'),
  ]);
  const policy = env.EVENT_LOG_DURABILITY;
  const durability = async () => {
    const probe = await durabilityOf(getRedis(), policy);
    return { ...probe, refused: probe.class === 'unsafe' && policy !== 'accept-risk' };
  };
  const detail = bearerMatches(authorization, env.HEALTH_TOKEN);
  const layout = { partitions: env.EVENT_PARTITIONS, recorded: () => readLayoutRecord(getRedis(), keys) };
  return checkHealth({ db, redis: getRedis(), durability, layout, projectors: detail ? appProjectorsStatus : undefined, mode: env.PROJECTORS_MODE });
}
