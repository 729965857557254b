/**
 * Who operates the app: users whose email is listed in `OPERATORS`, and the
 * owners of `OPERATOR_ORGANIZATION_ID`. `operatorProcedure` admits only them;
 * everyone else gets NOT_FOUND, so the operations page does not announce itself.
 */
import { TRPCError } from '@trpc/server';
import { env } from '~/env';
import { protectedProcedure } from '~/server/api/trpc';
import { loadState } from '~/server/commands/handler';
import type { Context } from '~/server/api/trpc';
import { organizationDecider } from '~/server/modules/organizations/commands';
import { membershipOf } from '~/server/modules/organizations/read-models/directory';

interface Viewer {
  id: string;
  email?: string | null;
}

/**
 * Whether `viewer` is an operator. A command asks the operator organization's
 * write-side state (it never lags); a query may ask the directory read model.
 */
export async function isOperator(ctx: Pick<Context, 'db' | 'writeSide'>, viewer: Viewer, source: 'write-side' | 'read-model'): Promise<boolean> {
  const email = viewer.email?.toLowerCase();
  if (email && env.OPERATORS.includes(email)) return true;
  const organizationId = env.OPERATOR_ORGANIZATION_ID;
  if (!organizationId) return false;
  const membership =
    source === 'write-side'
      ? ((await loadState(ctx.writeSide, organizationDecider, organizationId, organizationId)).state?.members.find((m) => m.userId === viewer.id) ?? null)
      : await membershipOf(ctx.db, organizationId, viewer.id);
  return membership?.role === 'owner';
}

/** A procedure for operators only (see above). */
export const operatorProcedure = protectedProcedure.use(async ({ ctx, next, type }) => {
  const allowed = await isOperator(ctx, ctx.session.user, type === 'mutation' ? 'write-side' : 'read-model');
  if (!allowed) throw new TRPCError({ code: 'NOT_FOUND', message: 'Not found.' });
  return next();
});
