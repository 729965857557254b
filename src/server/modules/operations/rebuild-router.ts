/**
 * Read-model rebuilds on the operations page, for operators only: the
 * projectors that can be rebuilt with their latest rebuilds, and a request
 * to rebuild one. The request only records it (`projection_rebuilds`,
 * status `requested`); a worker (`npm run worker`) picks it up within
 * seconds and runs it, since a rebuild outlasts any request. With no worker
 * (serverless), it waits until someone runs `npm run projections -- rebuild
 * <projector>`, which takes it over.
 *
 * Merged into the operations router (./router.ts) as `operations.rebuild`
 * and `operations.rebuilds`.
 */
import { z } from 'zod';
import { env } from '~/env';
import { appRebuilds, rebuildableNames, requestAppRebuild } from '~/server/app/projection-rebuilds';
import { operatorProcedure } from './access';

const projectorName = z
  .string()
  .max(63)
  .refine((name) => rebuildableNames.includes(name), { message: `Choose one of: ${rebuildableNames.join(', ')}.` });

export const rebuildProcedures = {
  /** The rebuildable projectors, the latest rebuilds (newest first), and whether a worker will run requests. */
  rebuilds: operatorProcedure.query(async () => ({
    projectors: [...rebuildableNames],
    rebuilds: await appRebuilds(20),
    runsOnWorker: env.PROJECTORS_MODE === 'worker',
  })),

  /** Asks for a rebuild of one read model; answers the one already waiting or running for it, if any. */
  rebuild: operatorProcedure.input(z.object({ projector: projectorName })).mutation(async ({ ctx, input }) => {
    const { rebuild, created } = await requestAppRebuild(input.projector, ctx.session.user.email ?? ctx.session.user.id);
    return { id: rebuild.id, status: rebuild.status, created };
  }),
};
