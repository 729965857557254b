/**
 * The process-wide Redis command client. Blocking readers create their own
 * with `createBlockingRedis` (see ./client.ts).
 */
import { env } from '~/env';
import { logger } from '~/server/logger';
import { createBlockingReads, type BlockingReads } from './blocking-reads';
import { connectInBackground, createBlockingRedis, createRedis, type Redis } from './client';
import { createKeys } from './keys';

export { createRedis, createBlockingRedis, connectInBackground, redactUrl, MAX_BLOCK_MS, type Redis } from './client';

export const keys = createKeys(env.REDIS_KEY_PREFIX);

// globalThis has no such slot in its type; one instance survives dev hot reloads there.
const globalForRedis = globalThis as unknown as { streamlineRedis?: Redis };

/**
 * The shared command client. Connects on first use and stays connected;
 * commands issued while Redis is away wait in the offline queue and fail
 * after the command timeout rather than hanging.
 */
export function getRedis(): Redis {
  if (!globalForRedis.streamlineRedis) {
    const client = createRedis({ url: env.REDIS_URL, cluster: env.REDIS_CLUSTER, logger, name: 'streamline:command' });
    connectInBackground(client);
    globalForRedis.streamlineRedis = client;
  }
  return globalForRedis.streamlineRedis;
}

/** Blocking reads on the app's Redis (see ./blocking-reads.ts); connections are named `name`, plus the group on a cluster. */
export function createAppBlockingReads(name: string): BlockingReads {
  return createBlockingReads({
    command: getRedis(),
    open: (group) => createBlockingRedis({ url: env.REDIS_URL, cluster: env.REDIS_CLUSTER, logger, name: group ? `${name}:${group}` : name }),
  });
}
