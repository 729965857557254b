/**
 * Bench-only tRPC endpoint (/api/bench/*): the two baselines `npm run bench`
 * sets beside the real `tasks.create` command. It exists only in the bench's
 * build (`STREAMLINE_BENCH_BUILD=1`, see next.config.ts); in a normal build a
 * `route.bench.ts` file is no route at all.
 *
 * Both procedures take the same input as `tasks.create` and go through the
 * same route pipeline as the app's tRPC route (body limit, next-auth session,
 * context, protectedProcedure with its rate limit and error map):
 * - `noop`: parses the input and answers; the floor of HTTP + auth + tRPC.
 * - `createTaskCrud`: the same create-task written the way a CRUD starter
 *   would: check membership and that the project exists in the organization
 *   (two queries), then insert the row straight into the `tasks` table
 *   (the bench app's database is its own scratch database).
 *
 * Edit it together with scripts/bench/http.ts, which calls it.
 */
import { z } from 'zod';
import { trpcRouteHandler } from '~/server/app/trpc-route';
import { protectedProcedure, router } from '~/server/api/trpc';
import { newId } from '~/server/commands/idempotency';
import { AppError } from '~/server/errors';
import { membershipOf } from '~/server/modules/organizations/read-models/directory';
import { rankBetween } from '~/server/modules/tasks/commands';
import { descriptionSchema, rankSchema, statusSchema, titleSchema } from '~/server/modules/tasks/events';
import { projectOf, tasks } from '~/server/modules/tasks/read-models/board';

export const dynamic = 'force-dynamic';

/** The input of `tasks.create`, field for field. */
const createTaskInput = z.object({
  organizationId: z.uuid('Unknown organization.'),
  projectId: z.uuid('Unknown project.'),
  title: titleSchema,
  description: descriptionSchema.default(''),
  placement: z.object({ status: statusSchema, after: rankSchema.nullable(), before: rankSchema.nullable() }),
  idempotencyKey: z.uuid().optional(),
});

const benchRouter = router({
  noop: protectedProcedure.input(createTaskInput).mutation(() => ({ ok: true })),

  createTaskCrud: protectedProcedure.input(createTaskInput).mutation(async ({ ctx, input }) => {
    const { organizationId, projectId } = input;
    if (!(await membershipOf(ctx.db, organizationId, ctx.session.user.id))) throw new AppError('NOT_FOUND', 'Organization not found.');
    if (!(await projectOf(ctx.db, organizationId, projectId))) throw new AppError('NOT_FOUND', 'Project not found.');
    const id = newId(ctx.session.user.id, input.idempotencyKey, 'task', organizationId);
    const now = new Date();
    const { status, after, before } = input.placement;
    await ctx.db
      .insert(tasks)
      .values({ id, organizationId, projectId, title: input.title, description: input.description, status, rank: rankBetween(after, before), createdAt: now, updatedAt: now });
    return { id };
  }),
});

const handler = trpcRouteHandler('/api/bench', benchRouter);

export { handler as POST };
