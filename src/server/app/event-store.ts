/**
 * The app's event store: `append(input)` appends through the shared Redis
 * client with the app's catalogue and partition count. Commands go through
 * the command handler instead; scripts, rebuilds and tests use this.
 */
import { env } from '~/env';
import { getRedis, keys } from '~/server/redis';
import { appendEvents, type AppendInput, type AppendResult, type EventStore } from '~/server/events/append';
import { catalogue } from './catalogue';

export type { AppendInput, AppendResult } from '~/server/events/append';

export function eventStore(): EventStore {
  return { redis: getRedis(), keys, catalogue, partitions: env.EVENT_PARTITIONS, durability: env.EVENT_LOG_DURABILITY };
}

export function append(input: AppendInput): Promise<AppendResult> {
  return appendEvents(eventStore(), input);
}
