/**
 * Organizations and members. Every procedure is thin: parse, authorize (in the
 * kernel's procedures), load, decide (./commands.ts), append, settle.
 */
import { createHash, randomUUID } from 'node:crypto';
import { tracked, TRPCError } from '@trpc/server';
import { z } from 'zod';
import { env } from '~/env';
import { organizationProcedure, organizationProcedureFor, protectedProcedure, router, type Context } from '~/server/api/trpc';
import { AppError, ClaimTakenError } from '~/server/errors';
import { append } from '~/server/events';
import type { EventDraft } from '~/server/events/define-event';
import { settle } from '~/server/projectors/settle';
import { noticeHub } from '~/server/realtime';
import { partitionOf } from '~/server/redis/keys';
import * as commands from './commands';
import { invitableRoleSchema, nameSchema, roleSchema, slugSchema } from './events';
import { hashInvitationToken, invitationToken, invitationUrl } from './invitation-token';
import {
  directoryProjector,
  invitationPreview,
  loadOrganization,
  membershipOf,
  membersOf,
  organizationsOf,
  pendingInvitationsOf,
} from './read-models/directory';

type Session = NonNullable<Context['session']>;
/** How stale a live subscription's membership may get when no directory notice arrives (one lost in a crash). */
const MEMBERSHIP_RECHECK_MS = 30_000;
const actorOf = (session: Session): commands.Actor => ({ userId: session.user.id, email: session.user.email });

/**
 * A new organization's id is drawn so that it lands in the partition of its
 * slug: the slug claim then lives in the same partition as the organization's
 * events, and two organizations racing for one slug always meet in one atomic
 * script. (This is also why a slug never changes.)
 */
function newOrganizationId(slug: string, seed?: string): string {
  const target = partitionOf(`slug:${slug}`, env.EVENT_PARTITIONS);
  for (let i = 0; ; i++) {
    // With a seed (the caller's idempotency key), a retry draws the same id, so it meets its first result.
    const id = seed ? uuidFrom(`${seed}:${i}`) : randomUUID();
    if (partitionOf(id, env.EVENT_PARTITIONS) === target) return id;
  }
}

/** A version-4-shaped UUID derived from `text` (SHA-256). */
function uuidFrom(text: string): string {
  const h = createHash('sha256').update(text).digest();
  h[6] = ((h[6] ?? 0) & 0x0f) | 0x40;
  h[8] = ((h[8] ?? 0) & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Loads the organization, decides, appends at the version it decided on, and waits for the read models. */
async function execute(
  { db, session, organizationId }: { db: Context['db']; session: Session; organizationId: string },
  decide: (state: commands.OrganizationState, actor: commands.Actor) => EventDraft[],
) {
  const state = await loadOrganization(db, organizationId);
  if (!state) throw new AppError('NOT_FOUND', 'Organization not found.');
  const actor = actorOf(session);
  const events = decide(state, actor);
  if (events.length === 0) return { changed: false, position: null, settled: true };
  const result = await append({
    organizationId,
    actorId: actor.userId,
    streams: [{ aggregateId: organizationId, expectedVersion: state.version, events }],
  });
  const position = result.positions.at(-1) ?? null;
  return { changed: true, position, ...(await settle(position ?? undefined)) };
}

export const organizationsRouter = router({
  /** The caller's organizations, with their role in each. */
  mine: protectedProcedure.query(({ ctx }) => organizationsOf(ctx.db, ctx.session.user.id)),

  create: protectedProcedure
    .input(z.object({ name: nameSchema, slug: slugSchema, idempotencyKey: z.uuid().optional() }))
    .mutation(async ({ ctx, input }) => {
      const organizationId = newOrganizationId(input.slug, input.idempotencyKey && `${ctx.session.user.id}:${input.idempotencyKey}`);
      const actor = actorOf(ctx.session);
      const result = await append({
        organizationId,
        actorId: actor.userId,
        idempotencyKey: input.idempotencyKey,
        streams: [{ aggregateId: organizationId, expectedVersion: 0, events: commands.createOrganization(actor, input) }],
        claims: [{ scope: 'organization-slug', value: `slug:${input.slug}`, owner: organizationId }],
      }).catch((error: unknown) => {
        // The claim's own message names its internal key; say it in the form's words.
        if (error instanceof ClaimTakenError) throw new AppError('CONFLICT', `The URL name “${input.slug}” is already taken; choose another.`, { cause: error });
        throw error;
      });
      const position = result.positions.at(-1);
      return { id: organizationId, slug: input.slug, position, ...(await settle(position)) };
    }),

  get: organizationProcedure.query(async ({ ctx }) => {
    const state = await loadOrganization(ctx.db, ctx.organizationId);
    if (!state) throw new AppError('NOT_FOUND', 'Organization not found.');
    return { id: state.id, name: state.name, role: ctx.membership.role };
  }),

  members: organizationProcedure.query(({ ctx }) => membersOf(ctx.db, ctx.organizationId)),

  rename: organizationProcedureFor('admin')
    .input(z.object({ name: nameSchema }))
    .mutation(({ ctx, input }) => execute(ctx, (state, actor) => commands.renameOrganization(state, actor, input))),

  changeRole: organizationProcedureFor('admin')
    .input(z.object({ userId: z.string().min(1).max(200), role: roleSchema }))
    .mutation(({ ctx, input }) => execute(ctx, (state, actor) => commands.changeMemberRole(state, actor, input))),

  removeMember: organizationProcedureFor('admin')
    .input(z.object({ userId: z.string().min(1).max(200) }))
    .mutation(({ ctx, input }) => execute(ctx, (state, actor) => commands.removeMember(state, actor, input))),

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

  leave: organizationProcedure.mutation(({ ctx }) =>
    execute(ctx, (state, actor) => commands.leaveOrganization(state, actor)),
  ),

  /** Invites someone by link. Returns the link (with its secret token) for the admin to copy; the same link is mailed. */
  invite: organizationProcedureFor('admin')
    .input(z.object({ email: z.email('Enter a valid email address.').max(254), role: invitableRoleSchema }))
    .mutation(async ({ ctx, input }) => {
      const invitationId = randomUUID();
      const tokenHash = hashInvitationToken(invitationToken(invitationId));
      await execute(ctx, (state, actor) => commands.createInvitation(state, actor, { invitationId, ...input, tokenHash }, new Date()));
      return { invitationId, url: invitationUrl(ctx.organizationId, invitationId) };
    }),

  revokeInvitation: organizationProcedureFor('admin')
    .input(z.object({ invitationId: z.uuid() }))
    .mutation(({ ctx, input }) => execute(ctx, (state, actor) => commands.revokeInvitation(state, actor, input))),

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
      await execute({ db: ctx.db, session: ctx.session, organizationId: input.organizationId }, (state, actor) =>
        commands.acceptInvitation(state, actor, { invitationId: input.invitationId, tokenHash }, new Date()),
      );
      return { organizationId: input.organizationId };
    }),
});
