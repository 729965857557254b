/**
 * The app's read-model rebuilds: `rebuildProjection` (src/server/projectors/rebuild.ts)
 * with the app's projectors, catalogue and clients, recorded in
 * `projection_rebuilds` for the operations page. The command line runs one
 * here and now (`runAppRebuild`); the operations page records a request
 * (`requestAppRebuild`) that a worker runs (`runRequestedAppRebuild`, from
 * scripts/worker.ts). With no worker (serverless), requests wait: run the
 * command line instead.
 */
import { env } from '~/env';
import { db } from '~/server/db';
import { assertPaired } from '~/server/events/identity';
import { assertLayout } from '~/server/events/layout';
import { logger } from '~/server/logger';
import { rebuildableProjector, rebuildableProjectors, rebuildProjection, type RebuildProgress, type RebuildResult } from '~/server/projectors/rebuild';
import { listRebuilds, recordRebuild, requestRebuild, startRebuild, type ProjectionRebuild } from '~/server/projectors/rebuild-records';
import { getRedis, keys } from '~/server/redis';
import { catalogue } from './catalogue';
import { projectors } from './projectors';

/** The projectors a rebuild accepts, by name: every read model, not the archive or reactors. */
export const rebuildableNames: ReadonlyArray<string> = rebuildableProjectors(projectors).map((p) => p.name);

async function rebuild(name: string, onProgress: (progress: RebuildProgress) => void, signal?: AbortSignal): Promise<RebuildResult> {
  // The log is read up to the current layout's partitions: a process with another count would miss some.
  await assertLayout(getRedis(), keys, env.EVENT_PARTITIONS);
  return rebuildProjection({ db, redis: getRedis(), keys, catalogue, partitions: env.EVENT_PARTITIONS, projectors, name, logger, onProgress, signal });
}

/** Rebuilds `name` in this process (the command line), recorded as a running rebuild. Refuses unknown and unrebuildable names first. */
export async function runAppRebuild(
  name: string,
  opts: { requestedBy: string; onProgress?: (progress: RebuildProgress) => void; signal?: AbortSignal },
): Promise<RebuildResult & { id: number }> {
  rebuildableProjector(projectors, name);
  await assertPaired({ db, redis: getRedis(), keys });
  const record = await startRebuild(db, { projector: name, requestedBy: opts.requestedBy });
  const result = await recordRebuild(db, record.id, (recordProgress) =>
    rebuild(
      name,
      (progress) => {
        recordProgress(progress);
        opts.onProgress?.(progress);
      },
      opts.signal,
    ),
  );
  return { ...result, id: record.id };
}

/** Records a request for a worker (the operations page). */
export async function requestAppRebuild(name: string, requestedBy: string) {
  rebuildableProjector(projectors, name);
  return requestRebuild(db, { projector: name, requestedBy });
}

/** Runs a request a worker claimed, recording its progress and outcome. */
export async function runRequestedAppRebuild(request: ProjectionRebuild, signal?: AbortSignal): Promise<RebuildResult> {
  await assertPaired({ db, redis: getRedis(), keys });
  return recordRebuild(db, request.id, (recordProgress) => rebuild(request.projector, recordProgress, signal));
}

/** The latest rebuilds, newest first (the operations page). */
export function appRebuilds(limit?: number): Promise<ProjectionRebuild[]> {
  return listRebuilds(db, limit);
}
