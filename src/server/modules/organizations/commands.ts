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
 */
import { AppError } from '~/server/errors';
import type { EventDraft } from '~/server/events/define-event';
import {
  memberAdded,
  memberRemoved,
  memberRoleChanged,
  organizationCreated,
  organizationRenamed,
  type Role,
} from './events';

export interface Member {
  userId: string;
  email: string;
  role: Role;
}

export interface OrganizationState {
  id: string;
  version: number;
  name: string;
  members: ReadonlyArray<Member>;
}

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
