/**
 * Reachability of the services the app needs. `GET /api/health` serves it;
 * load balancers and uptime checks read the status code (200 or 503), people
 * read the body.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '~/server/db';
import { errorMessage } from '~/server/logger';
import type { Redis } from '~/server/redis';

export interface Check {
  ok: boolean;
  latencyMs: number;
  error?: string;
}

export interface Health {
  ok: boolean;
  checks: { postgres: Check; redis: Check };
}

const CHECK_TIMEOUT_MS = 2_000;

export async function checkHealth(deps: { db: Db; redis: Redis }): Promise<Health> {
  const [postgres, redis] = await Promise.all([
    timed(async () => {
      await deps.db.execute(sql`select 1`);
    }),
    timed(async () => {
      await deps.redis.ping();
    }),
  ]);
  return { ok: postgres.ok && redis.ok, checks: { postgres, redis } };
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

/** Health of this process's own connections. */
export async function currentHealth(): Promise<Health> {
  const [{ db }, { getRedis }] = await Promise.all([import('~/server/db'), import('~/server/redis')]);
  return checkHealth({ db, redis: getRedis() });
}
