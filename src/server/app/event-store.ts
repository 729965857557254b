/**
 * The app's event store: `append(input)` appends through the shared Redis
 * client with the app's catalogue and partition count. Commands go through
 * the command handler instead; scripts, rebuilds and tests use this.
 */
import { env } from '~/env';
import { db } from '~/server/db';
import { assertPaired } from '~/server/events/identity';
import { ensureKeys } from '~/server/events/personal-keys';
import { getRedis, keys } from '~/server/redis';
import { appendEvents, type AppendInput, type AppendResult, type EventStore } from '~/server/events/append';
import { catalogue } from './catalogue';

export type { AppendInput, AppendResult } from '~/server/events/append';

export function eventStore(): EventStore {
  return { redis: getRedis(), keys, catalogue, partitions: env.EVENT_PARTITIONS, durability: env.EVENT_LOG_DURABILITY, replicas: env.EVENT_LOG_REPLICAS, personalKeys: (subjects) => ensureKeys(db, subjects) };
}

export async function append(input: AppendInput): Promise<AppendResult> {
  await assertPaired({ db, redis: getRedis(), keys });
  return appendEvents(eventStore(), input);
}
