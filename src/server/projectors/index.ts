/**
 * The app's projector runtime, wired to the shared clients, the catalogue and
 * the registry. The worker and serverless drains both start from here.
 */
import { env } from '~/env';
import { db } from '~/server/db';
import { catalogue } from '~/server/events/registry';
import { logger } from '~/server/logger';
import { getRedis, keys } from '~/server/redis';
import { projectors } from './registry';
import { createProjectorRuntime } from './runtime';
import { projectorsStatus } from './status';
import { trimStreams } from './trim';

export function createAppRuntime(workerId: string) {
  return createProjectorRuntime({
    db,
    redis: getRedis(),
    keys,
    catalogue,
    projectors,
    partitions: env.EVENT_PARTITIONS,
    workerId,
    logger,
  });
}

export const projectorNames = projectors.map((p) => p.name);

export function trimAppStreams() {
  return trimStreams({ db, redis: getRedis(), keys, partitions: env.EVENT_PARTITIONS, projectorNames });
}

export function appProjectorsStatus() {
  return projectorsStatus({
    db,
    redis: getRedis(),
    keys,
    partitions: env.EVENT_PARTITIONS,
    projectorNames,
    stallMs: env.PROJECTOR_STALL_MS,
  });
}
