/**
 * Events of the organizations feature. All are events of the organization
 * aggregate (aggregate id = organization id), so decisions about members see
 * the whole membership at one version.
 */
import { z } from 'zod';
import { userText } from '~/lib/text';
import { defineEvent } from '~/server/events/define-event';

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

/** When: a signed-in user creates an organization. Always followed by `member.added` for them as owner. */
export const organizationCreated = defineEvent({
  type: 'organization.created',
  version: 1,
  data: z.object({ name: nameSchema, slug: slugSchema }),
});

/** When: an owner or admin renames the organization. The slug never changes. */
export const organizationRenamed = defineEvent({
  type: 'organization.renamed',
  version: 1,
  data: z.object({ name: nameSchema }),
});

/** When: the creator joins as owner, or someone accepts an invitation. */
export const memberAdded = defineEvent({
  type: 'member.added',
  version: 1,
  data: z.object({ userId, email: z.email().max(254), role: roleSchema }),
});

/** When: an owner or admin changes a member's role (owners only grant or remove `owner`). */
export const memberRoleChanged = defineEvent({
  type: 'member.role-changed',
  version: 1,
  data: z.object({ userId, role: roleSchema }),
});

/** When: an owner or admin removes a member, or a member leaves. */
export const memberRemoved = defineEvent({
  type: 'member.removed',
  version: 1,
  data: z.object({ userId, left: z.boolean() }),
});

/** Roles an invitation can grant: never owner (an owner promotes a member instead). */
export const INVITABLE_ROLES = ['admin', 'member'] as const;
export const invitableRoleSchema = z.enum(INVITABLE_ROLES);
export type InvitableRole = z.infer<typeof invitableRoleSchema>;
const invitationId = z.uuid();

/**
 * When: an owner or admin invites someone by link. Only the SHA-256 of the
 * link's secret token is stored (see ./invitation-token.ts), never the token.
 */
export const invitationCreated = defineEvent({
  type: 'invitation.created',
  version: 1,
  data: z.object({
    invitationId,
    email: z.email().max(254),
    role: invitableRoleSchema,
    tokenHash: z.string().regex(/^[0-9a-f]{64}$/),
    expiresAt: z.iso.datetime(),
  }),
});

/** When: an owner or admin revokes a pending invitation. */
export const invitationRevoked = defineEvent({
  type: 'invitation.revoked',
  version: 1,
  data: z.object({ invitationId }),
});

/** When: a signed-in user accepts a pending invitation with its token. Always followed by `member.added` for them. */
export const invitationAccepted = defineEvent({
  type: 'invitation.accepted',
  version: 1,
  data: z.object({ invitationId, userId, email: z.email().max(254) }),
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
