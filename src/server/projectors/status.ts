/**
 * Liveness of every projector on every partition, for /api/health and the
 * worker's logs. A projector is **stalled** when the oldest entry it has not
 * committed has been waiting longer than `stallMs`: the log grows and it does
 * not keep up (no worker running, a worker wedged, a batch failing).
 */
import { count } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '~/server/db/client';
import { deadLetters, projectorCheckpoints } from '~/server/db/event-core-schema';
import type { Redis } from '~/server/redis/client';
import type { Keys } from '~/server/redis/keys';

/** A worker silent this long counts as gone, unless the caller says otherwise (the app passes its workers' own limit). */
const WORKER_SILENT_MS = 10_000;

export interface ProjectorPartitionStatus {
  projector: string;
  partition: number;
  /** Last committed stream id. */
  position: string;
  /** Entries in the stream the group has not yet read (from XINFO GROUPS; null when Redis cannot tell). */
  lag: number | null;
  /** Entries read but not yet acknowledged: a batch in flight, or left by a consumer that died (XINFO GROUPS; null before the group exists). */
  pending: number | null;
  /** How long the oldest uncommitted entry has been waiting, 0 when caught up. */
  waitingMs: number;
  lastProgressAt: string | null;
  stalled: boolean;
}

export interface ProjectorsStatus {
  ok: boolean;
  stallMs: number;
  workers: number;
  deadLetters: number;
  /** Dead letters per projector that has any. */
  deadLettersByProjector: Record<string, number>;
  partitions: ProjectorPartitionStatus[];
}

const groupInfo = z.array(z.object({ name: z.string(), lag: z.number().nullable().optional(), pending: z.number().optional() }).loose());

/** Where and how to look: the status and the operations status take the same. */
export interface StatusOptions {
  db: Db;
  redis: Redis;
  keys: Keys;
  partitions: number;
  projectorNames: ReadonlyArray<string>;
  stallMs: number;
  /** A worker whose last heartbeat is older than this is gone (default 10 s). */
  workerSilentMs?: number;
  now?: number;
}

export async function projectorsStatus(opts: StatusOptions): Promise<ProjectorsStatus> {
  const now = opts.now ?? Date.now();
  const checkpoints = await opts.db.select().from(projectorCheckpoints);
  const byKey = new Map(checkpoints.map((c) => [`${c.projector}/${c.partition}`, c]));
  const parked = await opts.db.select({ projector: deadLetters.projector, n: count() }).from(deadLetters).groupBy(deadLetters.projector);
  const result: ProjectorPartitionStatus[] = [];

  for (let partition = 0; partition < opts.partitions; partition++) {
    const stream = opts.keys.stream(partition);
    const groups = opts.projectorNames.length
      ? await opts.redis.xInfoGroups(stream).then((g) => groupInfo.parse(g), () => [])
      : [];
    for (const projector of opts.projectorNames) {
      const checkpoint = byKey.get(`${projector}/${partition}`);
      const position = checkpoint?.lastId ?? '0-0';
      const next = (await opts.redis.xRange(stream, `(${position}`, '+', { COUNT: 1 }).catch(() => null)) ?? [];
      const waitingSince = next[0] ? Number(next[0].id.split('-')[0]) : null;
      const waitingMs = waitingSince === null ? 0 : Math.max(0, now - waitingSince);
      const group = groups.find((g) => g.name === projector);
      result.push({
        projector,
        partition,
        position,
        lag: group?.lag ?? null,
        pending: group?.pending ?? null,
        waitingMs,
        lastProgressAt: checkpoint?.updatedAt.toISOString() ?? null,
        stalled: waitingMs > opts.stallMs,
      });
    }
  }

  // Live workers: heartbeats within the last few seconds (see ./worker.ts).
  const workers = await opts.redis.zCount(opts.keys.workers(), now - (opts.workerSilentMs ?? WORKER_SILENT_MS), '+inf');
  return {
    ok: result.every((r) => !r.stalled),
    stallMs: opts.stallMs,
    workers,
    deadLetters: parked.reduce((n, p) => n + p.n, 0),
    deadLettersByProjector: Object.fromEntries(parked.map((p) => [p.projector, p.n])),
    partitions: result,
  };
}
