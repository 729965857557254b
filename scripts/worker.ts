/**
 * `npm run worker`: runs every projector and reactor of the registry. Start as
 * many as you like: they share the partitions through leases, and when one
 * dies the others take its partitions over within the lease time.
 * SIGINT/SIGTERM finish the current batch, release the leases and exit.
 * It refuses to start (one line, exit 1) when EVENT_PARTITIONS is not the
 * count the event log is laid out in, or a partition switch is under way.
 * With WORKER_METRICS_PORT it serves its own /metrics (see the README's Metrics).
 * It also runs the read-model rebuilds requested from the operations page
 * (one at a time, beside the drain; looked for every 5 s); stopping the
 * worker stops a rebuild before its switch, leaving the old tables.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { loadScriptEnv } from './lib/load-env';
import { assertPostgresReachable, assertRedisReachable } from './lib/preflight';
import { runMain } from './lib/run-main';

runMain(async () => {
  loadScriptEnv();
  const { env } = await import('../src/env');
  await Promise.all([assertPostgresReachable(env.DATABASE_URL), assertRedisReachable(env.REDIS_URL)]);
  const { logger } = await import('../src/server/logger');
  const { getRedis, keys, createAppBlockingReads } = await import('../src/server/redis');
  const { appProjectorsStatus, createAppRuntime, projectorNames, trimAppStreams } = await import('../src/server/app/projectors');
  const { runWorker } = await import('../src/server/projectors/worker');
  const { watchRebuildRequests } = await import('../src/server/projectors/rebuild-records');
  const { runRequestedAppRebuild } = await import('../src/server/app/projection-rebuilds');
  const { db } = await import('../src/server/db');
  const { probeDurability } = await import('../src/server/events/durability');
  const { serveMetrics } = await import('../src/server/metrics-server');
  const { assertLayout } = await import('../src/server/events/layout');

  const workerId = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const redis = getRedis();
  // A worker with another partition count than the log's (or started during a switch) says so and exits, before it holds anything.
  await assertLayout(redis, keys, env.EVENT_PARTITIONS);
  const blocking = createAppBlockingReads('streamline:worker-wait');
  const durability = await probeDurability(redis);
  if (durability.class === 'unsafe') {
    logger.warn(`Redis does not make an acknowledged write durable (${durability.detail}): the app refuses to append unless EVENT_LOG_DURABILITY allows it.`);
  }

  // The worker's own figures (batch durations, events handled, notices sent); the system-wide ones are at /api/metrics.
  const metricsServer =
    env.WORKER_METRICS_PORT !== undefined && env.METRICS_TOKEN
      ? await serveMetrics({ port: env.WORKER_METRICS_PORT, host: env.WORKER_METRICS_HOST, token: env.METRICS_TOKEN, logger })
      : null;
  if (metricsServer) logger.info(`worker metrics at http://${env.WORKER_METRICS_HOST}:${metricsServer.port}/metrics`);

  const stop = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'worker stopping after the current batch');
      stop.abort();
      // Wake the blocking read so shutdown does not wait for it.
      blocking.close();
    });
  }
  const rebuilds = watchRebuildRequests({ db, run: (request) => runRequestedAppRebuild(request, stop.signal), logger, signal: stop.signal });
  await runWorker({
    runtime: createAppRuntime(workerId, { leaseMs: env.WORKER_LEASE_MS }),
    redis,
    blocking,
    keys,
    partitions: env.EVENT_PARTITIONS,
    workerId,
    projectorNames,
    logger,
    signal: stop.signal,
    trim: trimAppStreams,
    status: appProjectorsStatus,
    // Gone after three missed beats: the same time its leases take to lapse.
    heartbeatMs: env.WORKER_LEASE_MS / 3,
  });
  await metricsServer?.close();
  await rebuilds;
  redis.destroy();
  await db.$client.end({ timeout: 5 });
});
