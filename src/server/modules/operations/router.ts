/**
 * Operations: procedures behind the operations page (/operations), for
 * operators only (./access.ts).
 */
import { z } from 'zod';
import { protectedProcedure, router } from '~/server/api/trpc';
import { isOperator } from './access';
import { rebuildProcedures } from './rebuild-router';

export const operationsRouter = router({
  /** Whether the signed-in user may open the operations page (the header shows its link only then). */
  access: protectedProcedure
    .output(z.object({ operator: z.boolean() }))
    .query(async ({ ctx }) => ({ operator: await isOperator(ctx, ctx.session.user, 'read-model') })),
  ...rebuildProcedures,
});
