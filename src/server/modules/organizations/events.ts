/**
 * Events of the organizations feature. All are events of the organization
 * aggregate (aggregate id = organization id), so decisions about members see
 * the whole membership at one version.
 */
import { z } from 'zod';
import { userText } from '~/lib/text';
import { defineEvent } from '~/server/events/define-event';
import { subjects } from '~/server/events/personal';

export const ROLES = ['owner', 'admin', 'member'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

export const slugSchema = z
  .string()
  .min(3, 'Use at least 3 characters.')
  .max(40, 'Use at most 40 characters.')
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, 'Use lower-case letters, digits and dashes.');
export const nameSchema = userText({ label: 'name', min: 1, max: 80 });
const userId = z.string().min(1).max(200);

export const organizationCreated = defineEvent({
  type: 'organization.created',
  version: 1,
  description: 'Emitted when a signed-in user creates an organization. Always followed by `member.added` for them as owner.',
  example: { name: 'Acme', slug: 'acme' },
  data: z.object({ name: nameSchema, slug: slugSchema }),
});

export const organizationRenamed = defineEvent({
  type: 'organization.renamed',
  version: 1,
  description: 'Emitted when an owner or admin renames the organization. The slug never changes.',
  example: { name: 'Acme Inc' },
  data: z.object({ name: nameSchema }),
});

export const memberAdded = defineEvent({
  type: 'member.added',
  version: 1,
  description: 'Emitted when the creator joins as owner, or someone accepts an invitation.',
  example: { userId: 'user-ada', email: 'ada@example.com', role: 'owner' },
  data: z.object({ userId, email: z.email().max(254), role: roleSchema }),
  personal: { subject: (data) => subjects.user(data.userId), fields: ['email'] },
});

export const memberRoleChanged = defineEvent({
  type: 'member.role-changed',
  version: 1,
  description: "Emitted when an owner or admin changes a member's role (owners only grant or remove `owner`).",
  example: { userId: 'user-grace', role: 'admin' },
  data: z.object({ userId, role: roleSchema }),
});

export const memberRemoved = defineEvent({
  type: 'member.removed',
  version: 1,
  description: 'Emitted when an owner or admin removes a member (`left: false`), or a member leaves (`left: true`).',
  example: { userId: 'user-grace', left: true },
  data: z.object({ userId, left: z.boolean() }),
});

/** Roles an invitation can grant: never owner (an owner promotes a member instead). */
export const INVITABLE_ROLES = ['admin', 'member'] as const;
export const invitableRoleSchema = z.enum(INVITABLE_ROLES);
export type InvitableRole = z.infer<typeof invitableRoleSchema>;
const invitationId = z.uuid();

/** Only the SHA-256 of the link's secret token is stored (see ./invitation-token.ts), never the token. */
export const invitationCreated = defineEvent({
  type: 'invitation.created',
  version: 1,
  description: "Emitted when an owner or admin invites someone by link. Holds only the SHA-256 of the link's secret token, never the token.",
  example: {
    invitationId: '0190f5a2-7c3e-7d4a-9b1e-2f6c8d0a1b2c',
    email: 'grace@example.com',
    role: 'member',
    tokenHash: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    expiresAt: '2025-01-08T09:30:00.000Z',
  },
  data: z.object({
    invitationId,
    email: z.email().max(254),
    role: invitableRoleSchema,
    tokenHash: z.string().regex(/^[0-9a-f]{64}$/),
    expiresAt: z.iso.datetime(),
  }),
  // The invitee may have no account yet: their data is keyed by their address.
  personal: { subject: (data) => subjects.email(data.email), fields: ['email'] },
});

export const invitationRevoked = defineEvent({
  type: 'invitation.revoked',
  version: 1,
  description: 'Emitted when an owner or admin revokes a pending invitation.',
  example: { invitationId: '0190f5a2-7c3e-7d4a-9b1e-2f6c8d0a1b2c' },
  data: z.object({ invitationId }),
});

export const invitationAccepted = defineEvent({
  type: 'invitation.accepted',
  version: 1,
  description: 'Emitted when a signed-in user accepts a pending invitation with its token. Always followed by `member.added` for them.',
  example: { invitationId: '0190f5a2-7c3e-7d4a-9b1e-2f6c8d0a1b2c', userId: 'user-grace', email: 'grace@example.com' },
  data: z.object({ invitationId, userId, email: z.email().max(254) }),
  personal: { subject: (data) => subjects.user(data.userId), fields: ['email'] },
});

export const organizationEvents = [
  organizationCreated,
  organizationRenamed,
  memberAdded,
  memberRoleChanged,
  memberRemoved,
  invitationCreated,
  invitationRevoked,
  invitationAccepted,
] as const;
