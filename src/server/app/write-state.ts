/** The app's write-side rebuild: `rebuildWriteState` with the app's deciders, catalogue and clients. */
import { env } from '~/env';
import { db } from '~/server/db';
import { assertPaired } from '~/server/events/identity';
import { rebuildWriteState, type RebuildStateResult } from '~/server/events/rebuild-state';
import { getRedis, keys } from '~/server/redis';
import { catalogue, deciders } from './catalogue';

export async function rebuildAppWriteState(onProgress?: (progress: { partition: number; events: number }) => void): Promise<RebuildStateResult> {
  await assertPaired({ db, redis: getRedis(), keys });
  return rebuildWriteState({ db, redis: getRedis(), keys, partitions: env.EVENT_PARTITIONS, catalogue, deciders, onProgress });
}
