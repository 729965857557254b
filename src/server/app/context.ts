/**
 * The tRPC context for a session, with the app's services: used by the HTTP
 * handler, server actions, React Server Components, scripts and tests.
 */
import { env } from '~/env';
import type { Context } from '~/server/api/trpc';
import type { Session } from '~/server/auth';
import type { WriteSide } from '~/server/commands/handler';
import { db } from '~/server/db';
import { assertPaired } from '~/server/events/identity';
import { ensureKeys } from '~/server/events/personal-keys';
import { logger } from '~/server/logger';
import { metricsObserver } from '~/server/metrics';
import { noticeHub } from '~/server/realtime';
import { getRedis, keys } from '~/server/redis';
import { createReadYourWrites } from './read-your-writes';

const readYourWrites = createReadYourWrites(noticeHub, { mode: env.PROJECTORS_MODE });
const pairing = () => assertPaired({ db, redis: getRedis(), keys });
const commandLog = logger.child({ component: 'commands' });

/** The app's write side: the shared Redis client, the partition count, read-your-writes, the command log and metrics. */
export function writeSide(): WriteSide {
  return {
    redis: getRedis(),
    keys,
    partitions: env.EVENT_PARTITIONS,
    readYourWrites,
    durability: env.EVENT_LOG_DURABILITY,
    replicas: env.EVENT_LOG_REPLICAS,
    guard: pairing,
    logger: commandLog,
    observer: metricsObserver(),
    personalKeys: (subjects) => ensureKeys(db, subjects),
  };
}

export function createContextInner(opts: { session: Session | null }): Context {
  return { session: opts.session, db, redis: getRedis(), writeSide: writeSide() };
}
