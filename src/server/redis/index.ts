/**
 * The process-wide Redis command client. Blocking readers create their own
 * with `createBlockingRedis` (see ./client.ts).
 */
import { env } from '~/env';
import { logger } from '~/server/logger';
import { connectInBackground, createRedis, type Redis } from './client';
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
    const client = createRedis({ url: env.REDIS_URL, logger, name: 'streamline:command' });
    connectInBackground(client);
    globalForRedis.streamlineRedis = client;
  }
  return globalForRedis.streamlineRedis;
}
