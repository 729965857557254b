import { describe, expect, it } from 'vitest';
import { AppError } from '~/server/errors';
import {
  acceptInvitation,
  changeMemberRole,
  createInvitation,
  createOrganization,
  hasRole,
  INVITATION_TTL_MS,
  leaveOrganization,
  removeMember,
  renameOrganization,
  revokeInvitation,
  type Invitation,
  type OrganizationState,
} from './commands';

const ada = { userId: 'ada', email: 'ada@example.com' };
const bob = { userId: 'bob', email: 'bob@example.com' };
const cy = { userId: 'cy', email: 'cy@example.com' };

function given(members: Array<[typeof ada, 'owner' | 'admin' | 'member']>, invitations: Invitation[] = []): OrganizationState {
  return {
    name: 'Acme',
    slug: 'acme',
    members: members.map(([who, role]) => ({ ...who, role })),
    invitations,
  };
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

const now = new Date('2030-01-01T12:00:00.000Z');
const invitationId = '0190a5f0-0000-7000-8000-000000000001';
const tokenHash = 'a'.repeat(64);
const invitation = (over: Partial<Invitation> = {}): Invitation => ({
  id: invitationId,
  role: 'member',
  tokenHash,
  expiresAt: new Date(now.getTime() + 1_000).toISOString(),
  status: 'pending',
  ...over,
});

describe('createInvitation', () => {
  it('lets owners and admins invite, with an expiry a week after now', () => {
    for (const role of ['owner', 'admin'] as const) {
      expect(createInvitation(given([[ada, 'owner'], [bob, role]]), bob, { invitationId, email: 'Cy@Example.com', role: 'admin', tokenHash }, now)).toEqual([
        {
          type: 'invitation.created',
          data: { invitationId, email: 'cy@example.com', role: 'admin', tokenHash, expiresAt: new Date(now.getTime() + INVITATION_TTL_MS).toISOString() },
        },
      ]);
    }
  });
  it('refuses members, and an email that is already a member', () => {
    fails(() => createInvitation(given([[ada, 'owner'], [bob, 'member']]), bob, { invitationId, email: 'cy@example.com', role: 'member', tokenHash }, now), 'FORBIDDEN');
    fails(() => createInvitation(given([[ada, 'owner'], [bob, 'member']]), ada, { invitationId, email: 'BOB@example.com', role: 'member', tokenHash }, now), 'CONFLICT', /already a member/);
  });
  it('never grants owner through an invitation', () => {
    // The role type has no owner; the event schema refuses one that slips through.
    const input = JSON.parse(JSON.stringify({ invitationId, email: 'cy@example.com', role: 'owner', tokenHash })) as Parameters<typeof createInvitation>[2]; // a value the types forbid, on purpose
    fails(() => createInvitation(given([[ada, 'owner']]), ada, input, now), 'BAD_REQUEST');
  });
});

describe('revokeInvitation', () => {
  it('lets an admin revoke a pending invitation', () => {
    expect(revokeInvitation(given([[ada, 'owner'], [bob, 'admin']], [invitation()]), bob, { invitationId })).toEqual([
      { type: 'invitation.revoked', data: { invitationId } },
    ]);
  });
  it('refuses members, unknown invitations and used ones', () => {
    fails(() => revokeInvitation(given([[ada, 'owner'], [bob, 'member']], [invitation()]), bob, { invitationId }), 'FORBIDDEN');
    fails(() => revokeInvitation(given([[ada, 'owner']]), ada, { invitationId }), 'NOT_FOUND');
    fails(() => revokeInvitation(given([[ada, 'owner']], [invitation({ status: 'accepted' })]), ada, { invitationId }), 'CONFLICT', /accepted/);
    fails(() => revokeInvitation(given([[ada, 'owner']], [invitation({ status: 'revoked' })]), ada, { invitationId }), 'CONFLICT', /revoked/);
  });
});

describe('acceptInvitation', () => {
  it('adds the caller as a member with the invitation’s role, in the same append', () => {
    expect(acceptInvitation(given([[ada, 'owner']], [invitation({ role: 'admin' })]), cy, { invitationId, tokenHash }, now)).toEqual([
      { type: 'invitation.accepted', data: { invitationId, userId: 'cy', email: 'cy@example.com' } },
      { type: 'member.added', data: { userId: 'cy', email: 'cy@example.com', role: 'admin' } },
    ]);
  });
  it('refuses a wrong token or an unknown invitation as NOT_FOUND', () => {
    fails(() => acceptInvitation(given([[ada, 'owner']], [invitation()]), cy, { invitationId, tokenHash: 'b'.repeat(64) }, now), 'NOT_FOUND');
    fails(() => acceptInvitation(given([[ada, 'owner']]), cy, { invitationId, tokenHash }, now), 'NOT_FOUND');
  });
  it('refuses revoked, used and expired invitations, and members, each with a clear message', () => {
    fails(() => acceptInvitation(given([[ada, 'owner']], [invitation({ status: 'revoked' })]), cy, { invitationId, tokenHash }, now), 'CONFLICT', /revoked/);
    fails(() => acceptInvitation(given([[ada, 'owner']], [invitation({ status: 'accepted' })]), cy, { invitationId, tokenHash }, now), 'CONFLICT', /already used/);
    fails(() => acceptInvitation(given([[ada, 'owner']], [invitation({ expiresAt: now.toISOString() })]), cy, { invitationId, tokenHash }, now), 'CONFLICT', /expired/);
    fails(() => acceptInvitation(given([[ada, 'owner'], [cy, 'member']], [invitation()]), cy, { invitationId, tokenHash }, now), 'CONFLICT', /already a member/);
  });
});

describe('hasRole', () => {
  it('orders roles owner > admin > member', () => {
    expect(hasRole('owner', 'admin')).toBe(true);
    expect(hasRole('admin', 'admin')).toBe(true);
    expect(hasRole('member', 'admin')).toBe(false);
    expect(hasRole('admin', 'owner')).toBe(false);
  });
});
