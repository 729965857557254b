/**
 * Decisions of the organizations feature: pure functions from the current
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
import { AppError } from '~/server/errors';
import type { EventDraft } from '~/server/events/define-event';
import {
  invitationAccepted,
  invitationCreated,
  invitationRevoked,
  memberAdded,
  memberRemoved,
  memberRoleChanged,
  organizationCreated,
  organizationRenamed,
  type InvitableRole,
  type Role,
} from './events';

export interface Member {
  userId: string;
  email: string;
  role: Role;
}

export type InvitationStatus = 'pending' | 'revoked' | 'accepted';

export interface Invitation {
  id: string;
  email: string;
  role: InvitableRole;
  /** SHA-256 (hex) of the link's secret token. */
  tokenHash: string;
  expiresAt: Date;
  status: InvitationStatus;
}

export interface OrganizationState {
  id: string;
  version: number;
  name: string;
  members: ReadonlyArray<Member>;
  /** Every invitation of the organization, with its status (pending, revoked or accepted). */
  invitations: ReadonlyArray<Invitation>;
}

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

export function createOrganization(actor: Actor, input: { name: string; slug: string }): EventDraft[] {
  return [
    organizationCreated.create({ name: input.name, slug: input.slug }),
    memberAdded.create({ userId: actor.userId, email: actor.email, role: 'owner' }),
  ];
}

export function renameOrganization(state: OrganizationState, actor: Actor, input: { name: string }): EventDraft[] {
  requireRole(state, actor, 'admin');
  if (input.name.trim() === state.name) return [];
  return [organizationRenamed.create({ name: input.name })];
}

export function changeMemberRole(state: OrganizationState, actor: Actor, input: { userId: string; role: Role }): EventDraft[] {
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

export function removeMember(state: OrganizationState, actor: Actor, input: { userId: string }): EventDraft[] {
  if (input.userId === actor.userId) return leaveOrganization(state, actor);
  const me = requireRole(state, actor, 'admin');
  const target = memberOf(state, input.userId);
  if (target.role === 'owner' && me.role !== 'owner') throw new AppError('FORBIDDEN', 'Only an owner can remove an owner.');
  return [memberRemoved.create({ userId: input.userId, left: false })];
}

export function leaveOrganization(state: OrganizationState, actor: Actor): EventDraft[] {
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
): EventDraft[] {
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

export function revokeInvitation(state: OrganizationState, actor: Actor, input: { invitationId: string }): EventDraft[] {
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
): EventDraft[] {
  const invitation = state.invitations.find((i) => i.id === input.invitationId);
  if (!invitation || invitation.tokenHash !== input.tokenHash) {
    throw new AppError('NOT_FOUND', 'This invitation link is not valid. Check that you copied all of it.');
  }
  if (invitation.status === 'revoked') throw new AppError('CONFLICT', 'This invitation was revoked. Ask for a new one.');
  if (invitation.status === 'accepted') throw new AppError('CONFLICT', 'This invitation was already used. Ask for a new one.');
  if (state.members.some((m) => m.userId === actor.userId)) throw new AppError('CONFLICT', 'You are already a member of this organization.');
  if (now.getTime() >= invitation.expiresAt.getTime()) throw new AppError('CONFLICT', 'This invitation has expired. Ask for a new one.');
  return [
    invitationAccepted.create({ invitationId: invitation.id, userId: actor.userId, email: actor.email }),
    memberAdded.create({ userId: actor.userId, email: actor.email, role: invitation.role }),
  ];
}
