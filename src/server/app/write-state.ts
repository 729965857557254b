/** The app's write-side rebuild: `rebuildWriteState` with the app's deciders, catalogue and clients. */
import { env } from '~/env';
import { db } from '~/server/db';
import { assertPaired } from '~/server/events/identity';
import { assertLayout } from '~/server/events/layout';
import { rebuildWriteState, type RebuildStateResult } from '~/server/events/rebuild-state';
import { getRedis, keys } from '~/server/redis';
import { catalogue, deciders } from './catalogue';

export async function rebuildAppWriteState(onProgress?: (progress: { partition: number; events: number }) => void): Promise<RebuildStateResult> {
  await assertPaired({ db, redis: getRedis(), keys });
  // States are written to the organizations' partitions under this count: it must be the log's.
  await assertLayout(getRedis(), keys, env.EVENT_PARTITIONS);
  return rebuildWriteState({ db, redis: getRedis(), keys, partitions: env.EVENT_PARTITIONS, catalogue, deciders, onProgress });
}
