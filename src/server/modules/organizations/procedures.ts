/**
 * Organization-scoped procedures, for every feature whose data belongs to an
 * organization: the input carries `organizationId`, and `ctx.membership`
 * holds the caller's role there. A non-member gets NOT_FOUND (an outsider
 * learns nothing about the organization). Use `organizationProcedureFor('admin')`
 * for stricter procedures.
 */
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { protectedProcedure } from '~/server/api/trpc';
import { loadState } from '~/server/commands/handler';
import { hasRole, organizationDecider } from './commands';
import type { Role } from './events';
import { membershipOf } from './read-models/directory';

export const organizationProcedure = protectedProcedure
  .input(z.object({ organizationId: z.uuid('Unknown organization.') }))
  .use(async ({ ctx, input, next, type }) => {
    const { organizationId } = input;
    const userId = ctx.session.user.id;
    // A command asks the organization's write-side state, which never lags; a query or subscription
    // asks the directory read model, as eventually consistent as the data it is about to read.
    const membership =
      type === 'mutation'
        ? ((await loadState(ctx.writeSide, organizationDecider, organizationId, organizationId)).state?.members.find((m) => m.userId === userId) ?? null)
        : await membershipOf(ctx.db, organizationId, userId);
    if (!membership) throw new TRPCError({ code: 'NOT_FOUND', message: 'Organization not found.' });
    return next({ ctx: { ...ctx, organizationId, membership: { role: membership.role } } });
  });

/** organizationProcedure for callers with at least `role` there; others get FORBIDDEN. */
export function organizationProcedureFor(role: Role) {
  return organizationProcedure.use(({ ctx, next }) => {
    if (!hasRole(ctx.membership.role, role)) throw new TRPCError({ code: 'FORBIDDEN', message: `Only an ${role} can do that.` });
    return next();
  });
}
