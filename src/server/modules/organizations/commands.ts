/**
 * The organization aggregate's write side (a decider): its state (members and
 * invitations), `evolve`, and decisions as pure functions from the current
 * state, the actor and the input to the events that follow, or a domain
 * error. No database, no Redis, no clock.
 *
 * Permissions:
 * | action                 | owner | admin            | member |
 * | rename                 | yes   | yes              | no     |
 * | change a member's role | yes   | not to/from owner| no     |
 * | remove a member        | yes   | not an owner     | no     |
 * | leave                  | unless last owner | yes  | yes    |
 * | invite, revoke         | yes   | yes (admin or member role) | no |
 * | accept an invitation   | anyone signed in with the link's token, not yet a member |
 */
import { z } from 'zod';
import { AppError } from '~/server/errors';
import { defineDecider, unhandled, type CommandContext, type DecidedEvent } from '~/server/events/decider';
import {
  invitableRoleSchema,
  invitationAccepted,
  invitationCreated,
  invitationRevoked,
  memberAdded,
  memberRemoved,
  memberRoleChanged,
  organizationCreated,
  organizationEvents,
  organizationRenamed,
  roleSchema,
  type InvitableRole,
  type Role,
} from './events';

const memberSchema = z.object({ userId: z.string(), email: z.string(), role: roleSchema });
export type Member = z.infer<typeof memberSchema>;

/** No email: the state lives in Redis in plain JSON, and an invitee's address is personal data (sealed in the events only). */
const invitationSchema = z.object({
  id: z.string(),
  role: invitableRoleSchema,
  /** SHA-256 (hex) of the link's secret token. */
  tokenHash: z.string(),
  /** ISO time: state is stored as JSON. */
  expiresAt: z.string(),
  status: z.enum(['pending', 'revoked', 'accepted']),
});
export type Invitation = z.infer<typeof invitationSchema>;
export type InvitationStatus = Invitation['status'];

const organizationStateSchema = z.object({
  name: z.string(),
  slug: z.string(),
  members: z.array(memberSchema),
  /** Every invitation of the organization, with its status (pending, revoked or accepted). */
  invitations: z.array(invitationSchema),
});
export type OrganizationState = z.infer<typeof organizationStateSchema>;
type OrganizationEvent = DecidedEvent<typeof organizationEvents>;

/** How long an invitation link stays valid. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export interface Actor {
  userId: string;
  email: string;
}

const RANK: Record<Role, number> = { member: 0, admin: 1, owner: 2 };

export function hasRole(role: Role, atLeast: Role): boolean {
  return RANK[role] >= RANK[atLeast];
}

function memberOf(state: OrganizationState, userId: string): Member {
  const member = state.members.find((m) => m.userId === userId);
  if (!member) throw new AppError('NOT_FOUND', 'That person is not a member of this organization.');
  return member;
}

function requireRole(state: OrganizationState, actor: Actor, atLeast: Role): Member {
  const me = state.members.find((m) => m.userId === actor.userId);
  if (!me || !hasRole(me.role, atLeast)) throw new AppError('FORBIDDEN', `Only an ${atLeast} can do that.`);
  return me;
}

const owners = (state: OrganizationState) => state.members.filter((m) => m.role === 'owner').length;

export function createOrganization(actor: Actor, input: { name: string; slug: string }): OrganizationEvent[] {
  return [
    organizationCreated.create({ name: input.name, slug: input.slug }),
    memberAdded.create({ userId: actor.userId, email: actor.email, role: 'owner' }),
  ];
}

export function renameOrganization(state: OrganizationState, actor: Actor, input: { name: string }): OrganizationEvent[] {
  requireRole(state, actor, 'admin');
  if (input.name.trim() === state.name) return [];
  return [organizationRenamed.create({ name: input.name })];
}

export function changeMemberRole(state: OrganizationState, actor: Actor, input: { userId: string; role: Role }): OrganizationEvent[] {
  const me = requireRole(state, actor, 'admin');
  const target = memberOf(state, input.userId);
  if (target.role === input.role) return [];
  if ((target.role === 'owner' || input.role === 'owner') && me.role !== 'owner') {
    throw new AppError('FORBIDDEN', 'Only an owner can grant or remove the owner role.');
  }
  if (target.role === 'owner' && owners(state) === 1) {
    throw new AppError('CONFLICT', 'An organization needs at least one owner: make someone else owner first.');
  }
  return [memberRoleChanged.create({ userId: input.userId, role: input.role })];
}

export function removeMember(state: OrganizationState, actor: Actor, input: { userId: string }): OrganizationEvent[] {
  if (input.userId === actor.userId) return leaveOrganization(state, actor);
  const me = requireRole(state, actor, 'admin');
  const target = memberOf(state, input.userId);
  if (target.role === 'owner' && me.role !== 'owner') throw new AppError('FORBIDDEN', 'Only an owner can remove an owner.');
  return [memberRemoved.create({ userId: input.userId, left: false })];
}

export function leaveOrganization(state: OrganizationState, actor: Actor): OrganizationEvent[] {
  const me = memberOf(state, actor.userId);
  if (me.role === 'owner' && owners(state) === 1) {
    throw new AppError('CONFLICT', 'You are the last owner: make someone else owner before leaving.');
  }
  return [memberRemoved.create({ userId: actor.userId, left: true })];
}

const sameEmail = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

export function createInvitation(
  state: OrganizationState,
  actor: Actor,
  input: { invitationId: string; email: string; role: InvitableRole; tokenHash: string },
  now: Date,
): OrganizationEvent[] {
  requireRole(state, actor, 'admin');
  if (state.members.some((m) => sameEmail(m.email, input.email))) {
    throw new AppError('CONFLICT', `${input.email} is already a member of this organization.`);
  }
  if (state.invitations.some((i) => i.id === input.invitationId)) throw new AppError('CONFLICT', 'That invitation exists already.');
  return [
    invitationCreated.create({
      invitationId: input.invitationId,
      email: input.email.trim().toLowerCase(),
      role: input.role,
      tokenHash: input.tokenHash,
      expiresAt: new Date(now.getTime() + INVITATION_TTL_MS).toISOString(),
    }),
  ];
}

function invitationOf(state: OrganizationState, invitationId: string): Invitation {
  const invitation = state.invitations.find((i) => i.id === invitationId);
  if (!invitation) throw new AppError('NOT_FOUND', 'Invitation not found.');
  return invitation;
}

export function revokeInvitation(state: OrganizationState, actor: Actor, input: { invitationId: string }): OrganizationEvent[] {
  requireRole(state, actor, 'admin');
  const invitation = invitationOf(state, input.invitationId);
  if (invitation.status === 'accepted') throw new AppError('CONFLICT', 'That invitation was already accepted.');
  if (invitation.status === 'revoked') throw new AppError('CONFLICT', 'That invitation was already revoked.');
  return [invitationRevoked.create({ invitationId: invitation.id })];
}

/**
 * The caller presents the hash of the link's token. A wrong token reads as an
 * unknown invitation, so a guessed link learns nothing about the organization.
 */
export function acceptInvitation(
  state: OrganizationState,
  actor: Actor,
  input: { invitationId: string; tokenHash: string },
  now: Date,
): OrganizationEvent[] {
  const invitation = state.invitations.find((i) => i.id === input.invitationId);
  if (!invitation || invitation.tokenHash !== input.tokenHash) {
    throw new AppError('NOT_FOUND', 'This invitation link is not valid. Check that you copied all of it.');
  }
  if (invitation.status === 'revoked') throw new AppError('CONFLICT', 'This invitation was revoked. Ask for a new one.');
  if (invitation.status === 'accepted') throw new AppError('CONFLICT', 'This invitation was already used. Ask for a new one.');
  if (state.members.some((m) => m.userId === actor.userId)) throw new AppError('CONFLICT', 'You are already a member of this organization.');
  if (now.getTime() >= Date.parse(invitation.expiresAt)) throw new AppError('CONFLICT', 'This invitation has expired. Ask for a new one.');
  return [
    invitationAccepted.create({ invitationId: invitation.id, userId: actor.userId, email: actor.email }),
    memberAdded.create({ userId: actor.userId, email: actor.email, role: invitation.role }),
  ];
}

export type OrganizationCommand =
  | { type: 'create'; name: string; slug: string }
  | { type: 'rename'; name: string }
  | { type: 'change-role'; userId: string; role: Role }
  | { type: 'remove-member'; userId: string }
  | { type: 'leave' }
  | { type: 'invite'; invitationId: string; email: string; role: InvitableRole; tokenHash: string }
  | { type: 'revoke-invitation'; invitationId: string }
  | { type: 'accept-invitation'; invitationId: string; tokenHash: string };

function setInvitation(state: OrganizationState, invitationId: string, status: InvitationStatus): OrganizationState {
  return { ...state, invitations: state.invitations.map((i) => (i.id === invitationId ? { ...i, status } : i)) };
}

/** The organization after one of its events. */
export function evolveOrganization(state: OrganizationState | null, event: OrganizationEvent): OrganizationState | null {
  if (event.type === 'organization.created') return { name: event.data.name, slug: event.data.slug, members: [], invitations: [] };
  if (!state) return state; // nothing precedes organization.created
  switch (event.type) {
    case 'organization.renamed':
      return { ...state, name: event.data.name };
    case 'member.added':
      return { ...state, members: [...state.members.filter((m) => m.userId !== event.data.userId), event.data] };
    case 'member.role-changed':
      return { ...state, members: state.members.map((m) => (m.userId === event.data.userId ? { ...m, role: event.data.role } : m)) };
    case 'member.removed':
      return { ...state, members: state.members.filter((m) => m.userId !== event.data.userId) };
    case 'invitation.created': {
      const { invitationId, role, tokenHash, expiresAt } = event.data;
      return { ...state, invitations: [...state.invitations, { id: invitationId, role, tokenHash, expiresAt, status: 'pending' }] };
    }
    case 'invitation.revoked':
      return setInvitation(state, event.data.invitationId, 'revoked');
    case 'invitation.accepted':
      return setInvitation(state, event.data.invitationId, 'accepted');
    default:
      return unhandled(event);
  }
}

function existing(state: OrganizationState | null): OrganizationState {
  if (!state) throw new AppError('NOT_FOUND', 'Organization not found.');
  return state;
}

export function decideOrganization(command: OrganizationCommand, state: OrganizationState | null, { actor, now }: CommandContext): OrganizationEvent[] {
  if (command.type === 'create') {
    if (state) throw new AppError('CONFLICT', 'That organization exists already.');
    return createOrganization(actor, command);
  }
  const current = existing(state);
  switch (command.type) {
    case 'rename':
      return renameOrganization(current, actor, command);
    case 'change-role':
      return changeMemberRole(current, actor, command);
    case 'remove-member':
      return removeMember(current, actor, command);
    case 'leave':
      return leaveOrganization(current, actor);
    case 'invite':
      return createInvitation(current, actor, command, now);
    case 'revoke-invitation':
      return revokeInvitation(current, actor, command);
    case 'accept-invitation':
      return acceptInvitation(current, actor, command, now);
  }
}

/** The claim scope `organizations.create` holds a slug under; its owner is the organization's id. */
export const SLUG_CLAIM = 'organization-slug';
export const slugClaimValue = (slug: string) => `slug:${slug}`;

export const organizationDecider = defineDecider({
  name: 'organization',
  events: organizationEvents,
  state: organizationStateSchema.nullable(),
  initialState: null,
  evolve: evolveOrganization,
  decide: decideOrganization,
  // The slug is unique across organizations: its claim lives in the slug's partition (the router draws the id to match).
  claims: (state) => (state ? [{ scope: SLUG_CLAIM, value: slugClaimValue(state.slug), partitionBy: 'value' }] : []),
});
