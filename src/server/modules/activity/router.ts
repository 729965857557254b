/** The activity feed of an organization (or of one task), paginated, newest first. */
import { z } from 'zod';
import { router } from '~/server/api/trpc';
import { organizationProcedure } from '~/server/modules/organizations/procedures';
import { membersOf } from '~/server/modules/organizations/read-models/directory';
import { activityOf } from './read-models/feed';

export const activityRouter = router({
  list: organizationProcedure
    .input(
      z.object({
        taskId: z.uuid().optional(),
        // An event id (UUIDv7): free text here would reach the query, and Postgres refuses NUL with a 500.
        cursor: z.object({ occurredAt: z.date(), eventId: z.uuid() }).optional(),
        limit: z.number().int().min(1).max(100).default(20),
      }),
    )
    .query(async ({ ctx, input }) => {
      const [page, members] = await Promise.all([activityOf(ctx.db, ctx.organizationId, input), membersOf(ctx.db, ctx.organizationId)]);
      const emails = new Map(members.map((m) => [m.userId, m.displayName ?? m.email]));
      return {
        items: page.items.map((item) => ({
          id: item.eventId,
          taskId: item.taskId,
          actor: emails.get(item.actorId) ?? 'A former member',
          summary: item.summary,
          occurredAt: item.occurredAt,
        })),
        next: page.next,
      };
    }),
});
