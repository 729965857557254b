/** The app's write-side rebuild: `rebuildWriteState` with the app's deciders, catalogue and clients. */
import { env } from '~/env';
import { db } from '~/server/db';
import { rebuildWriteState, type RebuildStateResult } from '~/server/events/rebuild-state';
import { getRedis, keys } from '~/server/redis';
import { catalogue, deciders } from './catalogue';

export function rebuildAppWriteState(onProgress?: (progress: { partition: number; events: number }) => void): Promise<RebuildStateResult> {
  return rebuildWriteState({ db, redis: getRedis(), keys, partitions: env.EVENT_PARTITIONS, catalogue, deciders, onProgress });
}
