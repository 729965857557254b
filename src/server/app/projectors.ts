/**
 * Every projector and reactor the app runs, one line each, and the app's
 * projector runtime wired to the shared clients: the worker, the cron drain
 * and the serverless read-your-writes drain all start from here. The archive
 * must stay: trimming and rebuilds depend on it.
 *
 * Add a read model: import its projector and list it in `projectors`.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Logger } from 'pino';
import { env } from '~/env';
import { db } from '~/server/db';
import { projectorCheckpoints } from '~/server/db/event-core-schema';
import { compareStreamIds, type Position } from '~/server/events/envelope';
import { assertPaired } from '~/server/events/identity';
import { assertLayout } from '~/server/events/layout';
import { logger } from '~/server/logger';
import { metricsObserver } from '~/server/metrics';
import { activityProjector } from '~/server/modules/activity/read-models/feed';
import { invitationMailer } from '~/server/modules/organizations/invitation-mailer';
import { directoryProjector } from '~/server/modules/organizations/read-models/directory';
import { boardProjector } from '~/server/modules/tasks/read-models/board';
import { dashboardProjector } from '~/server/modules/tasks/read-models/dashboard';
import { archiveProjector } from '~/server/projectors/archive';
import type { Projector } from '~/server/projectors/define-projector';
import { createProjectorRuntime } from '~/server/projectors/runtime';
import { projectorsStatus } from '~/server/projectors/status';
import { trimStreams } from '~/server/projectors/trim';
import { getRedis, keys } from '~/server/redis';
import { catalogue } from './catalogue';

export const projectors: ReadonlyArray<Projector> = [
  archiveProjector,
  directoryProjector,
  boardProjector,
  activityProjector,
  dashboardProjector,
  invitationMailer,
];

export const projectorNames = projectors.map((p) => p.name);

/** How long a drain trusts its last look at the partition layout (one GET then, none between). */
const LAYOUT_TRUSTED_MS = 5_000;
const layoutCheckedAt = new Map<number, number>();

/**
 * Drains refuse, with the layout's clear error, when this process's count is
 * not the recorded one (a switch happened under it); draining the old
 * partitions while a switch waits for them is allowed.
 */
async function assertDrainLayout(partitions: number): Promise<void> {
  if (Date.now() - (layoutCheckedAt.get(partitions) ?? 0) < LAYOUT_TRUSTED_MS) return;
  await assertLayout(getRedis(), keys, partitions, { draining: true });
  layoutCheckedAt.set(partitions, Date.now());
}

/** The app's projector runtime; `partitions` (default EVENT_PARTITIONS) is for a partition switch, which drains the old layout's. */
export function createAppRuntime(workerId: string, options: { batchSize?: number; leaseMs?: number; logger?: Logger; partitions?: number } = {}) {
  const { partitions, ...rest } = options;
  return createProjectorRuntime({
    logger,
    ...rest,
    db,
    redis: getRedis(),
    keys,
    catalogue,
    projectors,
    partitions: partitions ?? env.EVENT_PARTITIONS,
    workerId,
    observer: metricsObserver(),
    guard: async () => {
      await assertPaired({ db, redis: getRedis(), keys });
      await assertDrainLayout(partitions ?? env.EVENT_PARTITIONS);
    },
  });
}

export function trimAppStreams() {
  return trimStreams({ db, redis: getRedis(), keys, partitions: env.EVENT_PARTITIONS, projectorNames });
}

/** What the status of the app's read side is computed from (here and on the operations page). */
export function appStatusOptions() {
  return {
    db,
    redis: getRedis(),
    keys,
    partitions: env.EVENT_PARTITIONS,
    projectorNames,
    stallMs: env.PROJECTOR_STALL_MS,
    // A worker beats every third of its lease (scripts/worker.ts) and is forgotten after three missed beats.
    workerSilentMs: env.WORKER_LEASE_MS,
  };
}

export function appProjectorsStatus() {
  return projectorsStatus(appStatusOptions());
}

/**
 * Waits (bounded) until every projector, reactors and the archive included,
 * has committed past `position`, draining in-process while no worker holds
 * the partition. For scripts and tests that need the whole read side caught
 * up; commands wait only for their read models (./read-your-writes.ts).
 */
export async function catchUp(position: Position | undefined, timeoutMs = 5_000): Promise<{ settled: boolean }> {
  if (!position) return { settled: true };
  const deadline = Date.now() + timeoutMs;
  const runtime = createAppRuntime(`catch-up-${process.pid}`);
  for (;;) {
    const rows = await db
      .select({ lastId: projectorCheckpoints.lastId })
      .from(projectorCheckpoints)
      .where(and(eq(projectorCheckpoints.partition, position.partition), inArray(projectorCheckpoints.projector, projectorNames)));
    if (rows.length === projectorNames.length && rows.every((r) => compareStreamIds(r.lastId, position.id) >= 0)) return { settled: true };
    if (Date.now() >= deadline) return { settled: false };
    const drained = await runtime.drain({ partitions: [position.partition], maxMs: deadline - Date.now(), maxEvents: 5_000, releaseLeases: true });
    if (drained.partitions.length === 0) await new Promise((resolve) => setTimeout(resolve, 25)); // a worker holds it: let it work
  }
}

/** Drains every partition in-process until nothing is left (scripts and tests with no worker running). */
export async function catchUpAll(timeoutMs = 30_000): Promise<{ events: number }> {
  const runtime = createAppRuntime(`catch-up-${process.pid}`);
  const deadline = Date.now() + timeoutMs;
  let events = 0;
  for (;;) {
    const drained = await runtime.drain({ maxMs: Math.max(0, deadline - Date.now()), maxEvents: 100_000, releaseLeases: true });
    events += drained.events;
    if (drained.events === 0 || Date.now() >= deadline) return { events };
  }
}
