/**
 * Operations: procedures behind the operations page (/operations), for
 * operators only (./access.ts). Each one delegates to the composition root
 * (src/server/app/operations.ts), which wires the projector machinery to the
 * app's projectors.
 */
import { z } from 'zod';
import { protectedProcedure, router } from '~/server/api/trpc';
import { appDeadLetters, appOperationsStatus, retryAppDeadLetters, skipAppDeadLetter } from '~/server/app/operations';
import { isOperator, operatorProcedure } from './access';
import { rebuildProcedures } from './rebuild-router';

const projectorName = z.string().min(1).max(100);

export const operationsRouter = router({
  /** Whether the signed-in user may open the operations page (the header shows its link only then). */
  access: protectedProcedure
    .output(z.object({ operator: z.boolean() }))
    .query(async ({ ctx }) => ({ operator: await isOperator(ctx, ctx.session.user, 'read-model') })),

  /** Partitions, projectors per partition (checkpoint, lag, pending, stalls), workers, parked-event counts. */
  status: operatorProcedure.query(() => appOperationsStatus()),

  /** Parked events, oldest first, a page at a time. */
  deadLetters: operatorProcedure
    .input(z.object({ limit: z.number().int().min(1).max(100).default(20), offset: z.number().int().min(0).max(1_000_000).default(0) }))
    .query(({ input }) => appDeadLetters(input)),

  /** Applies an aggregate's parked events for one projector, in order; a CONFLICT with the handler's error when one still fails. */
  retry: operatorProcedure
    .input(z.object({ projector: projectorName, aggregateId: z.string().min(1).max(200) }))
    .mutation(({ input }) => retryAppDeadLetters(input.projector, input.aggregateId)),

  /** Drops one parked event for good, then retries the events parked behind it. */
  skip: operatorProcedure
    .input(z.object({ projector: projectorName, partition: z.number().int().min(0).max(1_023), streamId: z.string().max(41).regex(/^\d+-\d+$/) }))
    .mutation(({ input }) => skipAppDeadLetter(input.projector, input.partition, input.streamId)),
  ...rebuildProcedures,
});
