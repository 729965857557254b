/**
 * Waiting on the app's projectors: done when their checkpoints have passed
 * the end of every partition stream, never after a fixed sleep.
 */
import { env } from '~/env';
import { catchUp } from '~/server/app/projectors';
import { getRedis, keys } from '~/server/redis';

/** The id of the last entry of each partition that has one. */
async function streamEnds(): Promise<Array<{ partition: number; id: string }>> {
  const ends: Array<{ partition: number; id: string }> = [];
  for (let partition = 0; partition < env.EVENT_PARTITIONS; partition++) {
    const [last] = (await getRedis().xRevRange(keys.stream(partition), '+', '-', { COUNT: 1 })) ?? [];
    if (last) ends.push({ partition, id: last.id });
  }
  return ends;
}

/**
 * Waits until every projector has committed everything appended so far
 * (`catchUp` drains in-process where no worker holds a partition). Throws
 * when they have not within `timeoutMs`, e.g. behind a failing handler.
 */
export async function projectorsCaughtUp(timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const end of await streamEnds()) {
    const { settled } = await catchUp(end, Math.max(deadline - Date.now(), 0));
    if (!settled) throw new Error(`the projectors did not reach ${end.id} of partition ${end.partition} within ${timeoutMs} ms`);
  }
}

/** How many entries the partition streams hold in all. */
export async function totalStreamLength(): Promise<number> {
  let total = 0;
  for (let partition = 0; partition < env.EVENT_PARTITIONS; partition++) total += await getRedis().xLen(keys.stream(partition));
  return total;
}
