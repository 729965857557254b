/**
 * The read side at a glance, for operators (the operations page and
 * `npm run projections -- status`): every partition's stream and who holds
 * its lease, every projector on every partition (./status.ts: checkpoint,
 * lag, last progress, pending entries, stalls), the live workers with the
 * partitions they hold, and how many events are parked. One snapshot, read
 * from Redis and Postgres when asked; nothing is cached.
 *
 * Edit it when operators need another figure; the page and the command both
 * show what this returns (src/lib/operations-table.ts lays it out).
 */
import { count } from 'drizzle-orm';
import { deadLetters } from '~/server/db/event-core-schema';
import type { Redis } from '~/server/redis/client';
import type { Keys } from '~/server/redis/keys';
import { projectorsStatus, type ProjectorPartitionStatus, type StatusOptions } from './status';

export interface PartitionInfo {
  partition: number;
  /** Entries in the stream now (trimming removes what every projector has committed). */
  length: number;
  /** Id of the newest entry; null for an empty stream. */
  lastId: string | null;
  /** Who holds the partition's lease: a worker's id, or a drain's (`inline-…`, `cron-…`); null when nobody does. */
  holder: string | null;
  /** When that lease lapses unless renewed, in ms from the snapshot; null without a holder. */
  leaseExpiresInMs: number | null;
}

export interface WorkerInfo {
  id: string;
  /** Time of its last heartbeat (ISO). */
  lastBeatAt: string;
  /** Partitions whose lease it holds. */
  partitions: number[];
}

export interface OperationsStatus {
  /** When the snapshot was taken (ISO); ages on the page are counted from it. */
  at: string;
  /** No projector is stalled. */
  ok: boolean;
  stallMs: number;
  partitions: PartitionInfo[];
  /** One row per partition and projector, partition by partition. */
  projectors: ProjectorPartitionStatus[];
  workers: WorkerInfo[];
  deadLetters: { failed: number; blocked: number };
}

export async function operationsStatus(opts: StatusOptions & { workerSilentMs: number }): Promise<OperationsStatus> {
  const now = opts.now ?? Date.now();
  const [status, partitions, beats, parked] = await Promise.all([
    projectorsStatus({ ...opts, now }),
    Promise.all(Array.from({ length: opts.partitions }, (_, p) => partitionInfo(opts.redis, opts.keys, p))),
    opts.redis.zRangeByScoreWithScores(opts.keys.workers(), now - opts.workerSilentMs, '+inf'),
    opts.db.select({ status: deadLetters.status, n: count() }).from(deadLetters).groupBy(deadLetters.status),
  ]);
  const workers = beats
    .map((beat) => ({
      id: beat.value,
      lastBeatAt: new Date(beat.score).toISOString(),
      partitions: partitions.filter((p) => p.holder === beat.value).map((p) => p.partition),
    }))
    .sort((a, b) => a.id.localeCompare(b.id));
  return {
    at: new Date(now).toISOString(),
    ok: status.ok,
    stallMs: status.stallMs,
    partitions,
    projectors: status.partitions,
    workers,
    deadLetters: {
      failed: parked.find((r) => r.status === 'failed')?.n ?? 0,
      blocked: parked.find((r) => r.status === 'blocked')?.n ?? 0,
    },
  };
}

async function partitionInfo(redis: Redis, keys: Keys, partition: number): Promise<PartitionInfo> {
  const stream = keys.stream(partition);
  // Separate commands, not one MGET: each partition's keys live in their own cluster slot.
  const [length, newest, holder, ttl] = await Promise.all([
    redis.xLen(stream),
    redis.xRevRange(stream, '+', '-', { COUNT: 1 }),
    redis.get(keys.lease(partition)),
    redis.pTTL(keys.lease(partition)),
  ]);
  return {
    partition,
    length,
    lastId: newest?.[0]?.id ?? null,
    holder,
    leaseExpiresInMs: holder !== null && ttl >= 0 ? ttl : null,
  };
}
