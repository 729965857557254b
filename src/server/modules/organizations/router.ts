/**
 * Organizations and members. Every procedure is thin: parse, authorize
 * (./procedures.ts), then one command through the command handler (load the
 * organization's write-side state, decide in ./commands.ts, append, wait), or
 * a query of the directory read model.
 */
import { tracked, TRPCError } from '@trpc/server';
import { z } from 'zod';
import { protectedProcedure, router } from '~/server/api/trpc';
import { loadState, runCommand, type CommandScope } from '~/server/commands/handler';
import { newId } from '~/server/commands/idempotency';
import type { Db } from '~/server/db/client';
import { partitionCountsEverUsed } from '~/server/events/layout-history';
import { AppError, ClaimTakenError } from '~/server/errors';
import { noticeHub } from '~/server/realtime';
import { partitionOf } from '~/server/redis/keys';
import { organizationDecider } from './commands';
import { invitableRoleSchema, nameSchema, roleSchema, slugSchema } from './events';
import { hashInvitationToken, invitationToken, invitationUrl } from './invitation-token';
import { findOrganization, SLUG_CLAIM, slugClaimValue } from './lookup';
import { organizationProcedure, organizationProcedureFor } from './procedures';
import { directoryProjector, invitationPreview, membershipOf, membersOf, organizationOf, organizationsOf, pendingInvitationsOf } from './read-models/directory';

/** How stale a live subscription's membership may get when no directory notice arrives (one lost in a crash). */
const MEMBERSHIP_RECHECK_MS = 30_000;

/**
 * A new organization's id is drawn so that it lands in the partition of its
 * slug: the slug claim then lives in the same partition as the organization's
 * events, and two organizations racing for one slug always meet in one atomic
 * script. (This is also why a slug never changes.)
 *
 * With an idempotency key the id is derived instead: the first id derived from
 * (user, key, 0, 1, …) that lands in the slug's partition, so a retry draws
 * the same id and meets its first result. A key reused with another slug
 * would land in another partition and create a second organization; so the
 * key's ids for the other partitions are looked up first, and if one of them
 * exists, that organization's stored result wins, as for every creating
 * command. (Two such requests sent at the same moment can still create two.)
 * The other partitions are those of every partition count the log has been
 * laid out in: a retry after a switch of the count still finds the
 * organization its first attempt drew under the old count.
 */
async function newOrganization(scope: Pick<CommandScope, 'writeSide' | 'session'> & { db: Db }, slug: string, idempotencyKey: string | undefined): Promise<{ id: string; slug: string }> {
  const { partitions } = scope.writeSide;
  const draw = (i: number) => newId(scope.session.user.id, idempotencyKey, String(i));
  const target = partitionOf(slugClaimValue(slug), partitions);
  let chosen = draw(0);
  for (let i = 1; partitionOf(chosen, partitions) !== target; i++) chosen = draw(i);
  if (idempotencyKey === undefined) return { id: chosen, slug };
  // Each partition's first id, under each count (about 8 draws for 4 partitions).
  const others = new Set<string>();
  for (const count of new Set([partitions, ...(await partitionCountsEverUsed(scope.db))])) {
    const seen = new Set<number>();
    for (let i = 0; seen.size < count; i++) {
      const id = draw(i);
      const partition = partitionOf(id, count);
      if (seen.has(partition)) continue;
      seen.add(partition);
      if (id !== chosen) others.add(id);
    }
  }
  const existing = await Promise.all([...others].map(async (id) => ({ id, state: (await loadState(scope.writeSide, organizationDecider, id, id)).state })));
  const first = existing.find((e) => e.state !== null);
  return first?.state ? { id: first.id, slug: first.state.slug } : { id: chosen, slug };
}

export const organizationsRouter = router({
  /** The caller's organizations, with their role in each. */
  mine: protectedProcedure.query(({ ctx }) => organizationsOf(ctx.db, ctx.session.user.id)),

  /** Creates an organization; the caller becomes its owner. Safe to retry with the same idempotency key (~/server/commands/idempotency). */
  create: protectedProcedure
    .input(z.object({ name: nameSchema, slug: slugSchema, idempotencyKey: z.uuid().optional() }))
    .mutation(async ({ ctx, input }) => {
      const { id: organizationId, slug } = await newOrganization(ctx, input.slug, input.idempotencyKey);
      const scope = { ...ctx, organizationId };
      const claims = [{ scope: SLUG_CLAIM, value: slugClaimValue(input.slug) }];
      const result = await runCommand(scope, organizationDecider, organizationId, { type: 'create', name: input.name, slug: input.slug }, { idempotencyKey: input.idempotencyKey, claims }).catch(
        (error: unknown) => {
          // The claim's own message names its internal key; say it in the form's words.
          if (error instanceof ClaimTakenError) throw new AppError('CONFLICT', `The URL name “${input.slug}” is already taken; choose another.`, { cause: error });
          throw error;
        },
      );
      return { ...result, slug };
    }),

  /**
   * One of the caller's organizations by URL name or id, read on the write
   * side (./lookup.ts): found the moment it is created or joined. NOT_FOUND
   * for anyone who is not a member, as every other procedure answers.
   */
  resolve: protectedProcedure.input(z.object({ slugOrId: z.string().min(1).max(100) })).query(async ({ ctx, input }) => {
    const organization = await findOrganization(ctx.writeSide, ctx.session.user.id, input.slugOrId);
    if (!organization) throw new AppError('NOT_FOUND', 'Organization not found.');
    return organization;
  }),

  get: organizationProcedure.query(async ({ ctx }) => {
    const organization = await organizationOf(ctx.db, ctx.organizationId);
    if (!organization) throw new AppError('NOT_FOUND', 'Organization not found.');
    return { id: organization.id, name: organization.name, role: ctx.membership.role };
  }),

  members: organizationProcedure.query(({ ctx }) => membersOf(ctx.db, ctx.organizationId)),

  rename: organizationProcedureFor('admin')
    .input(z.object({ name: nameSchema }))
    .mutation(({ ctx, input }) => runCommand(ctx, organizationDecider, ctx.organizationId, { type: 'rename', name: input.name })),

  changeRole: organizationProcedureFor('admin')
    .input(z.object({ userId: z.string().min(1).max(200), role: roleSchema }))
    .mutation(({ ctx, input }) => runCommand(ctx, organizationDecider, ctx.organizationId, { type: 'change-role', userId: input.userId, role: input.role })),

  removeMember: organizationProcedureFor('admin')
    .input(z.object({ userId: z.string().min(1).max(200) }))
    .mutation(({ ctx, input }) => runCommand(ctx, organizationDecider, ctx.organizationId, { type: 'remove-member', userId: input.userId })),

  /**
   * Live change notices of the organization over SSE, resumable: the client
   * sends the last id it saw and gets everything after it. Membership is
   * checked again on every directory notice (where removals show up) and at
   * least every 30 s; a removed member's stream ends with NOT_FOUND, the same
   * answer as every other procedure gives an outsider.
   */
  changes: organizationProcedure
    .input(z.object({ lastEventId: z.string().regex(/^\d+-\d+$/).nullish() }))
    .subscription(async function* ({ ctx, input, signal }) {
      let checkedAt = Date.now();
      for await (const notice of noticeHub().subscribe(ctx.organizationId, input.lastEventId ?? null, signal)) {
        if (notice.projector === directoryProjector.name || Date.now() - checkedAt > MEMBERSHIP_RECHECK_MS) {
          // Thrown while streaming, after the kernel's error mapping has run: a tRPC error already.
          if (!(await membershipOf(ctx.db, ctx.organizationId, ctx.session.user.id))) throw new TRPCError({ code: 'NOT_FOUND', message: 'Organization not found.' });
          checkedAt = Date.now();
        }
        yield tracked(notice.id, notice);
      }
    }),

  leave: organizationProcedure.mutation(({ ctx }) => runCommand(ctx, organizationDecider, ctx.organizationId, { type: 'leave' })),

  /**
   * Invites someone by link. Returns the link (with its secret token) for the admin to copy; the same link is mailed.
   * Safe to retry with the same idempotency key: the invitation id comes from the key, so a retry answers the same
   * invitation and link, and mails nothing more (~/server/commands/idempotency).
   */
  invite: organizationProcedureFor('admin')
    .input(z.object({ email: z.email('Enter a valid email address.').max(254), role: invitableRoleSchema, idempotencyKey: z.uuid().optional() }))
    .mutation(async ({ ctx, input }) => {
      const { idempotencyKey } = input;
      const invitationId = newId(ctx.session.user.id, idempotencyKey, 'invitation', ctx.organizationId);
      const tokenHash = hashInvitationToken(invitationToken(invitationId));
      const result = await runCommand(ctx, organizationDecider, ctx.organizationId, { type: 'invite', invitationId, email: input.email, role: input.role, tokenHash }, { idempotencyKey });
      return { ...result, invitationId, url: invitationUrl(ctx.organizationId, invitationId) };
    }),

  revokeInvitation: organizationProcedureFor('admin')
    .input(z.object({ invitationId: z.uuid() }))
    .mutation(({ ctx, input }) => runCommand(ctx, organizationDecider, ctx.organizationId, { type: 'revoke-invitation', invitationId: input.invitationId })),

  /** Pending invitations, for admins. */
  invitations: organizationProcedureFor('admin').query(({ ctx }) => pendingInvitationsOf(ctx.db, ctx.organizationId)),

  /**
   * What an invitation link leads to, for the accept page. The caller is not a
   * member yet: the token is what authorizes it, and a wrong one is NOT_FOUND.
   */
  invitation: protectedProcedure
    .input(z.object({ organizationId: z.uuid(), invitationId: z.uuid(), token: z.string().min(1).max(200) }))
    .query(async ({ ctx, input }) => {
      const preview = await invitationPreview(ctx.db, { ...input, tokenHash: hashInvitationToken(input.token) });
      if (!preview) throw new AppError('NOT_FOUND', 'This invitation link is not valid. Check that you copied all of it.');
      const expired = preview.status === 'pending' && preview.expiresAt.getTime() <= Date.now();
      const status: typeof preview.status | 'expired' = expired ? 'expired' : preview.status;
      return { ...preview, status };
    }),

  /** Joins with an invitation's token. Not organization-scoped: the caller becomes a member here. */
  acceptInvitation: protectedProcedure
    .input(z.object({ organizationId: z.uuid(), invitationId: z.uuid(), token: z.string().min(1).max(200) }))
    .mutation(async ({ ctx, input }) => {
      const tokenHash = hashInvitationToken(input.token);
      const scope = { ...ctx, organizationId: input.organizationId };
      const result = await runCommand(scope, organizationDecider, input.organizationId, { type: 'accept-invitation', invitationId: input.invitationId, tokenHash });
      return { ...result, organizationId: input.organizationId };
    }),
});
