/**
 * The write side for the app: `append(input)` appends through the shared
 * Redis client with the app's catalogue and partition count.
 */
import { env } from '~/env';
import { getRedis, keys } from '~/server/redis';
import { appendEvents, type AppendInput, type AppendResult, type EventStore } from './append';
import { catalogue } from './registry';

export { defineEvent } from './define-event';
export type { AppendInput, AppendResult } from './append';

export function eventStore(): EventStore {
  return { redis: getRedis(), keys, catalogue, partitions: env.EVENT_PARTITIONS };
}

export function append(input: AppendInput): Promise<AppendResult> {
  return appendEvents(eventStore(), input);
}
