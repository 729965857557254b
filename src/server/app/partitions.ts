/**
 * The app's partition switch: `switchPartitions` (src/server/events/layout-switch.ts)
 * with the app's clients, deciders and projectors. It drains the old
 * partitions in-process, as `catchUp` does (no worker runs during a switch:
 * it refuses while one does), and reads the layout for `npm run partitions
 * -- status`.
 */
import { asc, count, eq, inArray } from 'drizzle-orm';
import { env } from '~/env';
import { db } from '~/server/db';
import { deadLetters, projectorCheckpoints } from '~/server/db/event-core-schema';
import { compareStreamIds } from '~/server/events/envelope';
import { assertPaired } from '~/server/events/identity';
import { readLayoutRecord, type LayoutRecord } from '~/server/events/layout';
import { switchPartitions, type Behind, type SwitchOutcome } from '~/server/events/layout-switch';
import { getRedis, keys } from '~/server/redis';
import { deciders } from './catalogue';
import { createAppRuntime, projectorNames } from './projectors';

export async function switchAppPartitions(to: number, opts: { timeoutMs: number; onProgress?: (line: string) => void }): Promise<SwitchOutcome> {
  await assertPaired({ db, redis: getRedis(), keys });
  return switchPartitions(
    {
      db,
      redis: getRedis(),
      keys,
      deciders,
      configured: env.EVENT_PARTITIONS,
      catchUp: catchUpOldPartitions,
      parked,
      liveWorkers,
      onProgress: opts.onProgress,
    },
    to,
    { timeoutMs: opts.timeoutMs },
  );
}

/** The recorded layout (null: nothing recorded yet), for the status command. */
export async function appLayout(): Promise<LayoutRecord | null> {
  await assertPaired({ db, redis: getRedis(), keys });
  return readLayoutRecord(getRedis(), keys);
}

/** Drains the old partitions until every projector is past their tips, or `ms` has passed; returns who is behind. */
async function catchUpOldPartitions(tips: ReadonlyArray<string>, ms: number): Promise<Behind[]> {
  const deadline = Date.now() + ms;
  const runtime = createAppRuntime(`partition-switch-${process.pid}`, { partitions: tips.length });
  for (;;) {
    const behind = await behindTips(tips);
    if (behind.length === 0 || Date.now() >= deadline) return behind;
    const partitions = [...new Set(behind.map((b) => b.partition))];
    const drained = await runtime.drain({ partitions, maxMs: Math.max(0, deadline - Date.now()), maxEvents: 10_000, releaseLeases: true });
    // Nothing moved: another process holds those partitions' leases (a worker that just stopped, until they lapse).
    if (drained.events === 0) await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function behindTips(tips: ReadonlyArray<string>): Promise<Behind[]> {
  const wanted = tips.flatMap((tip, partition) => (tip === '0-0' ? [] : [{ tip, partition }]));
  if (wanted.length === 0) return [];
  const rows = await db
    .select({ projector: projectorCheckpoints.projector, partition: projectorCheckpoints.partition, lastId: projectorCheckpoints.lastId })
    .from(projectorCheckpoints)
    .where(inArray(projectorCheckpoints.partition, wanted.map((w) => w.partition)));
  const at = new Map(rows.map((r) => [`${r.projector}/${r.partition}`, r.lastId]));
  return wanted.flatMap(({ tip, partition }) =>
    projectorNames.flatMap((projector) => {
      const id = at.get(`${projector}/${partition}`) ?? '0-0';
      return compareStreamIds(id, tip) < 0 ? [{ projector, partition, at: id, tip }] : [];
    }),
  );
}

async function parked() {
  const [total] = await db.select({ n: count() }).from(deadLetters);
  const first = await db
    .select({ projector: deadLetters.projector, partition: deadLetters.partition, streamId: deadLetters.streamId, type: deadLetters.type, error: deadLetters.error })
    .from(deadLetters)
    .where(eq(deadLetters.status, 'failed'))
    .orderBy(asc(deadLetters.parkedAt))
    .limit(3);
  return { count: total?.n ?? 0, first };
}

/** Workers whose heartbeat is younger than a lease: the same rule as the operations page. */
function liveWorkers(): Promise<string[]> {
  return getRedis().zRangeByScore(keys.workers(), Date.now() - env.WORKER_LEASE_MS, '+inf');
}
