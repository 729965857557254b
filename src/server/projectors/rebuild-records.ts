/**
 * Rebuilds as rows of `projection_rebuilds`, so an operations page can show
 * the ones running and the last ones, and a request made in the app reaches
 * a process that can run it for minutes (the worker), not the request:
 *
 * - `requestRebuild`: records a `requested` row (or answers the one already
 *   waiting or running for that projector);
 * - `claimRequestedRebuild`: a worker takes the oldest request (`running`);
 * - `startRebuild`: the command line takes the projector's waiting request,
 *   or records a `running` row of its own;
 * - `recordRebuild`: runs a claimed rebuild, writing its progress every
 *   second and a heartbeat every few, then `succeeded` or `failed` with the
 *   error;
 * - `listRebuilds`: the latest rows, newest first;
 * - `watchRebuildRequests`: the worker's loop that claims and runs requests.
 *
 * A `running` row whose heartbeat stopped for a minute lost its process; it
 * is marked failed whenever rows are requested, claimed or listed, so it
 * never blocks the next rebuild of its projector.
 */
import { and, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '~/server/db/client';
import { projectionRebuilds, type ProjectionRebuild } from '~/server/db/projection-rebuilds-schema';
import { AppError, errorMessage } from '~/server/errors';
import type { RebuildProgress } from './rebuild-progress';

export type { ProjectionRebuild } from '~/server/db/projection-rebuilds-schema';

const HEARTBEAT_MS = 5_000;
const ABANDONED_AFTER_MS = 60_000;
const PROGRESS_EVERY_MS = 1_000;

/** Marks running rebuilds whose process went silent as failed. */
async function expireAbandoned(db: Db): Promise<void> {
  await db
    .update(projectionRebuilds)
    .set({ status: 'failed', finishedAt: new Date(), error: 'The process running it stopped before it finished.' })
    .where(and(eq(projectionRebuilds.status, 'running'), lt(projectionRebuilds.heartbeatAt, new Date(Date.now() - ABANDONED_AFTER_MS))));
}

async function activeOf(db: Db, projector: string): Promise<ProjectionRebuild | undefined> {
  const [row] = await db
    .select()
    .from(projectionRebuilds)
    .where(and(eq(projectionRebuilds.projector, projector), inArray(projectionRebuilds.status, ['requested', 'running'])));
  return row;
}

/** Records a request for a worker to run; `created: false` with the row already waiting or running for that projector. */
export async function requestRebuild(db: Db, opts: { projector: string; requestedBy: string }): Promise<{ rebuild: ProjectionRebuild; created: boolean }> {
  await expireAbandoned(db);
  const [created] = await db.insert(projectionRebuilds).values({ ...opts, status: 'requested' }).onConflictDoNothing().returning();
  if (created) return { rebuild: created, created: true };
  const active = await activeOf(db, opts.projector);
  if (!active) throw new AppError('CONFLICT', `A rebuild of ${opts.projector} just finished or started; try again.`);
  return { rebuild: active, created: false };
}

/** Takes the oldest waiting request, or null when none waits. */
export async function claimRequestedRebuild(db: Db): Promise<ProjectionRebuild | null> {
  await expireAbandoned(db);
  const [claimed] = await db
    .update(projectionRebuilds)
    .set({ status: 'running', startedAt: new Date(), heartbeatAt: new Date() })
    .where(
      eq(
        projectionRebuilds.id,
        sql`(select id from ${projectionRebuilds} where status = 'requested' order by id limit 1 for update skip locked)`,
      ),
    )
    .returning();
  return claimed ?? null;
}

/** For a rebuild run right here (the command line): takes the projector's waiting request, or records a new running one. */
export async function startRebuild(db: Db, opts: { projector: string; requestedBy: string }): Promise<ProjectionRebuild> {
  await expireAbandoned(db);
  const now = new Date();
  const [taken] = await db
    .update(projectionRebuilds)
    .set({ status: 'running', startedAt: now, heartbeatAt: now })
    .where(and(eq(projectionRebuilds.projector, opts.projector), eq(projectionRebuilds.status, 'requested')))
    .returning();
  if (taken) return taken;
  const [created] = await db.insert(projectionRebuilds).values({ ...opts, status: 'running', startedAt: now, heartbeatAt: now }).onConflictDoNothing().returning();
  if (created) return created;
  const active = await activeOf(db, opts.projector);
  throw new AppError('CONFLICT', `A rebuild of ${opts.projector} is already running${active ? ` (#${active.id}, started by ${active.requestedBy})` : ''}.`);
}

/**
 * Runs a claimed rebuild (`run` gets the progress callback to pass on),
 * recording progress, heartbeats and the outcome. Rethrows a failure after
 * recording it.
 */
export async function recordRebuild<T>(db: Db, id: number, run: (onProgress: (progress: RebuildProgress) => void) => Promise<T>): Promise<T> {
  const seen: { latest: RebuildProgress | null } = { latest: null };
  let writtenAt = 0;
  let writing: Promise<unknown> = Promise.resolve();
  const write = () => {
    writtenAt = Date.now();
    const progress = seen.latest ? { done: seen.latest.done, total: seen.latest.total } : {};
    writing = writing
      .then(() => db.update(projectionRebuilds).set({ ...progress, heartbeatAt: new Date() }).where(eq(projectionRebuilds.id, id)))
      .catch(() => undefined); // a missed progress write is made good by the next one
  };
  const heartbeat = setInterval(write, HEARTBEAT_MS);
  try {
    const result = await run((progress) => {
      seen.latest = progress;
      if (Date.now() - writtenAt >= PROGRESS_EVERY_MS) write();
    });
    clearInterval(heartbeat);
    await writing;
    const done = seen.latest?.done ?? 0;
    await db.update(projectionRebuilds).set({ status: 'succeeded', done, total: done, finishedAt: new Date(), heartbeatAt: new Date() }).where(eq(projectionRebuilds.id, id));
    return result;
  } catch (error) {
    clearInterval(heartbeat);
    await writing;
    await db.update(projectionRebuilds).set({ status: 'failed', error: errorMessage(error), finishedAt: new Date() }).where(eq(projectionRebuilds.id, id));
    throw error;
  }
}

/** The latest rebuilds, newest first. */
export async function listRebuilds(db: Db, limit = 20): Promise<ProjectionRebuild[]> {
  await expireAbandoned(db);
  return db.select().from(projectionRebuilds).orderBy(desc(projectionRebuilds.id)).limit(limit);
}

/**
 * The worker's side of requests: every `everyMs` (one Postgres query), claims
 * a waiting request and runs it (`run`, which records it), until `signal`
 * aborts. Runs beside the drain loop, in the same process.
 */
export async function watchRebuildRequests(opts: {
  db: Db;
  run: (rebuild: ProjectionRebuild) => Promise<unknown>;
  logger: Logger;
  signal: AbortSignal;
  everyMs?: number;
}): Promise<void> {
  const log = opts.logger.child({ component: 'rebuild-requests' });
  while (!opts.signal.aborted) {
    try {
      const claimed = await claimRequestedRebuild(opts.db);
      if (claimed) {
        log.info({ id: claimed.id, projector: claimed.projector, requestedBy: claimed.requestedBy }, 'rebuild requested: starting');
        await opts.run(claimed).catch((error: unknown) => log.error({ id: claimed.id, err: errorMessage(error) }, 'rebuild failed'));
        continue;
      }
    } catch (error) {
      log.warn({ err: errorMessage(error) }, 'could not look for rebuild requests');
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, opts.everyMs ?? 5_000);
      opts.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
  }
}
