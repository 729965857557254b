/**
 * A worker process for the multi-process tests: the real runtime and worker
 * loop with the test catalogue, the archive and a strict counters projector.
 * Configured through the environment; with CRASH_RATE > 0 it SIGKILLs itself
 * at random points of a batch (before or after the commit) to test recovery.
 */
import { randomBytes } from 'node:crypto';
import { writeSync } from 'node:fs';
import pino from 'pino';
import { createDb } from '~/server/db/client';
import { archiveProjector } from '~/server/projectors/archive';
import { createProjectorRuntime } from '~/server/projectors/runtime';
import { runWorker } from '~/server/projectors/worker';
import { createBlockingReads } from '~/server/redis/blocking-reads';
import { connectInBackground, createBlockingRedis, createRedis } from '~/server/redis/client';
import { createKeys } from '~/server/redis/keys';
import { countersProjector, testCatalogue } from './event-core';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const workerId = process.env.WORKER_ID ?? `w-${process.pid}-${randomBytes(2).toString('hex')}`;
const crashRate = Number(process.env.CRASH_RATE ?? '0');
const logger = pino({ level: process.env.WORKER_LOG_LEVEL ?? 'silent' });
const db = createDb({ url: env('DATABASE_URL'), max: 3 });
// REDIS_CLUSTER=true: REDIS_URL is one node of a cluster.
const cluster = process.env.REDIS_CLUSTER === 'true' ? [] : null;
const redis = createRedis({ url: env('REDIS_URL'), cluster, logger, name: workerId });
connectInBackground(redis);
const blocking = createBlockingReads({ command: redis, open: (group) => createBlockingRedis({ url: env('REDIS_URL'), cluster, logger, name: `${workerId}-wait${group}` }) });
const keys = createKeys(env('KEY_PREFIX'));
const partitions = Number(env('PARTITIONS'));
const projectors = [archiveProjector, countersProjector(env('COUNTERS_TABLE'))];

const runtime = createProjectorRuntime({
  db,
  redis,
  keys,
  catalogue: testCatalogue,
  projectors,
  partitions,
  workerId,
  logger,
  leaseMs: Number(process.env.LEASE_MS ?? '2000'),
  batchSize: Number(process.env.BATCH_SIZE ?? '200'),
  faults: (point) => {
    if (crashRate > 0 && Math.random() < crashRate) {
      writeSync(1, `crash ${point}\n`); // synchronous: the kill below must not swallow it
      process.kill(process.pid, 'SIGKILL');
    }
  },
});

const stop = new AbortController();
process.once('SIGTERM', () => {
  stop.abort();
  blocking.close();
});
process.stdout.write(`ready ${workerId}\n`);
await runWorker({
  runtime,
  redis,
  blocking,
  keys,
  partitions,
  workerId,
  projectorNames: projectors.map((p) => p.name),
  logger,
  signal: stop.signal,
  heartbeatMs: 300,
  blockMs: 500,
});
redis.destroy();
await db.$client.end({ timeout: 2 });
