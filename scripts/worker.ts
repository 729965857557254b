/**
 * `npm run worker`: the long-running projector process. It keeps a heartbeat
 * in Redis so health checks can see it, and stops cleanly on SIGINT/SIGTERM.
 * Projectors registered in the runtime run here; start as many workers as you
 * like.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { loadScriptEnv } from './lib/load-env';
import { assertPostgresReachable, assertRedisReachable } from './lib/preflight';
import { runMain } from './lib/run-main';

const HEARTBEAT_MS = 5_000;

runMain(async () => {
  loadScriptEnv();
  const { env } = await import('../src/env');
  await Promise.all([assertPostgresReachable(env.DATABASE_URL), assertRedisReachable(env.REDIS_URL)]);
  const { logger } = await import('../src/server/logger');
  const { getRedis, keys } = await import('../src/server/redis');

  const workerId = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const log = logger.child({ component: 'worker', workerId });
  const redis = getRedis();
  const stop = new AbortController();

  const beat = async () => {
    await redis.set(keys.workerHeartbeat(workerId), new Date().toISOString(), { expiration: { type: 'PX', value: HEARTBEAT_MS * 3 } });
  };

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log.info({ signal }, 'worker stopping');
      stop.abort();
    });
  }

  log.info('worker started');
  while (!stop.signal.aborted) {
    await beat().catch((error: unknown) => log.warn({ err: error }, 'heartbeat failed'));
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, HEARTBEAT_MS);
      stop.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
  }
  await redis.del(keys.workerHeartbeat(workerId)).catch(() => undefined);
  redis.destroy();
  log.info('worker stopped');
});
