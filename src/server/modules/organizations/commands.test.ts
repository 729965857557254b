import { describe, expect, it } from 'vitest';
import { AppError } from '~/server/errors';
import { changeMemberRole, createOrganization, leaveOrganization, removeMember, renameOrganization, type OrganizationState } from './commands';

const ada = { userId: 'ada', email: 'ada@example.com' };
const bob = { userId: 'bob', email: 'bob@example.com' };
const cy = { userId: 'cy', email: 'cy@example.com' };

function given(members: Array<[typeof ada, 'owner' | 'admin' | 'member']>): OrganizationState {
  return { id: 'org', version: members.length + 1, name: 'Acme', members: members.map(([who, role]) => ({ ...who, role })) };
}

const fails = (fn: () => unknown, code: string, message?: RegExp) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code });
    if (message) expect(String(error)).toMatch(message);
    return;
  }
  throw new Error('expected a domain error');
};

describe('createOrganization', () => {
  it('creates the organization and makes the creator its owner', () => {
    expect(createOrganization(ada, { name: 'Acme', slug: 'acme' })).toEqual([
      { type: 'organization.created', data: { name: 'Acme', slug: 'acme' } },
      { type: 'member.added', data: { userId: 'ada', email: 'ada@example.com', role: 'owner' } },
    ]);
  });
});

describe('renameOrganization', () => {
  it('lets owners and admins rename', () => {
    expect(renameOrganization(given([[ada, 'owner'], [bob, 'admin']]), bob, { name: 'Acme Inc' })).toEqual([
      { type: 'organization.renamed', data: { name: 'Acme Inc' } },
    ]);
  });
  it('refuses members, and does nothing for the same name', () => {
    fails(() => renameOrganization(given([[ada, 'owner'], [bob, 'member']]), bob, { name: 'X' }), 'FORBIDDEN');
    expect(renameOrganization(given([[ada, 'owner']]), ada, { name: 'Acme' })).toEqual([]);
  });
});

describe('changeMemberRole', () => {
  it('lets an admin promote a member to admin', () => {
    expect(changeMemberRole(given([[ada, 'owner'], [bob, 'admin'], [cy, 'member']]), bob, { userId: 'cy', role: 'admin' })).toEqual([
      { type: 'member.role-changed', data: { userId: 'cy', role: 'admin' } },
    ]);
  });
  it('keeps the owner role in owners’ hands', () => {
    fails(() => changeMemberRole(given([[ada, 'owner'], [bob, 'admin'], [cy, 'member']]), bob, { userId: 'cy', role: 'owner' }), 'FORBIDDEN');
    fails(() => changeMemberRole(given([[ada, 'owner'], [bob, 'admin']]), bob, { userId: 'ada', role: 'member' }), 'FORBIDDEN');
  });
  it('never demotes the last owner', () => {
    fails(() => changeMemberRole(given([[ada, 'owner'], [bob, 'admin']]), ada, { userId: 'ada', role: 'admin' }), 'CONFLICT', /at least one owner/);
    expect(changeMemberRole(given([[ada, 'owner'], [bob, 'owner']]), ada, { userId: 'ada', role: 'admin' })).toHaveLength(1);
  });
  it('refuses members and unknown people', () => {
    fails(() => changeMemberRole(given([[ada, 'owner'], [bob, 'member'], [cy, 'member']]), bob, { userId: 'cy', role: 'admin' }), 'FORBIDDEN');
    fails(() => changeMemberRole(given([[ada, 'owner']]), ada, { userId: 'nobody', role: 'admin' }), 'NOT_FOUND');
  });
});

describe('removeMember and leaveOrganization', () => {
  it('lets an admin remove a member but not an owner', () => {
    expect(removeMember(given([[ada, 'owner'], [bob, 'admin'], [cy, 'member']]), bob, { userId: 'cy' })).toEqual([
      { type: 'member.removed', data: { userId: 'cy', left: false } },
    ]);
    fails(() => removeMember(given([[ada, 'owner'], [bob, 'admin']]), bob, { userId: 'ada' }), 'FORBIDDEN');
  });
  it('lets anyone leave, except the last owner', () => {
    expect(leaveOrganization(given([[ada, 'owner'], [cy, 'member']]), cy)).toEqual([{ type: 'member.removed', data: { userId: 'cy', left: true } }]);
    fails(() => leaveOrganization(given([[ada, 'owner'], [cy, 'member']]), ada), 'CONFLICT', /last owner/);
    expect(removeMember(given([[ada, 'owner'], [bob, 'owner']]), ada, { userId: 'ada' })).toEqual([
      { type: 'member.removed', data: { userId: 'ada', left: true } },
    ]);
  });
});
