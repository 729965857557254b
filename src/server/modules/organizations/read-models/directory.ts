/**
 * The directory read model: organizations and their members. It answers
 * "which organizations am I in", "who is in this one", and the membership
 * check of every organization-scoped procedure. The organization row carries
 * the aggregate version, so commands decide on a known version.
 *
 * Invitations live here too, not in a read model of their own: commands
 * decide on members and invitations at one aggregate version, which holds
 * only if one projector commits both together with that version.
 */
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { Db } from '~/server/db/client';
import { catalogue } from '~/server/events/registry';
import { defineProjector, type Tx } from '~/server/projectors/define-projector';
import type { OrganizationState } from '../commands';
import type { InvitableRole, Role } from '../events';

export const organizations = pgTable(
  'organizations',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    slug: text('slug').notNull(),
    /** Version of the organization aggregate this row reflects. */
    version: integer('version').notNull(),
    createdAt: timestamp('created_at', { mode: 'date', withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex('organizations_slug').on(t.slug)],
);

export const memberships = pgTable(
  'memberships',
  {
    organizationId: text('organization_id').notNull(),
    userId: text('user_id').notNull(),
    email: text('email').notNull(),
    role: text('role', { enum: ['owner', 'admin', 'member'] }).notNull(),
    joinedAt: timestamp('joined_at', { mode: 'date', withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.userId] })],
);

export const invitations = pgTable(
  'invitations',
  {
    id: text('id').primaryKey(),
    organizationId: text('organization_id').notNull(),
    email: text('email').notNull(),
    role: text('role', { enum: ['admin', 'member'] }).notNull(),
    /** SHA-256 (hex) of the link's token; the token itself is never stored. */
    tokenHash: text('token_hash').notNull(),
    expiresAt: timestamp('expires_at', { mode: 'date', withTimezone: true }).notNull(),
    status: text('status', { enum: ['pending', 'revoked', 'accepted'] }).notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { mode: 'date', withTimezone: true }).notNull(),
  },
  (t) => [index('invitations_organization').on(t.organizationId, t.status)],
);

/** Applies an organization event only if it is the next version: a repeat or a gap leaves the row alone. */
async function bump(tx: Tx, organizationId: string, version: number, set: { name?: string } = {}) {
  await tx
    .update(organizations)
    .set({ version, ...set })
    .where(and(eq(organizations.id, organizationId), eq(organizations.version, version - 1)));
}

export const directoryProjector = defineProjector(catalogue, {
  name: 'directory',
  handlers: {
    'organization.created': async (event, tx) => {
      await tx
        .insert(organizations)
        .values({ id: event.aggregateId, name: event.data.name, slug: event.data.slug, version: event.aggregateVersion, createdAt: event.occurredAt })
        .onConflictDoNothing();
    },
    'organization.renamed': async (event, tx) => bump(tx, event.aggregateId, event.aggregateVersion, { name: event.data.name }),
    'member.added': async (event, tx) => {
      await tx
        .insert(memberships)
        .values({ organizationId: event.aggregateId, userId: event.data.userId, email: event.data.email, role: event.data.role, joinedAt: event.occurredAt })
        .onConflictDoNothing();
      await bump(tx, event.aggregateId, event.aggregateVersion);
    },
    'member.role-changed': async (event, tx) => {
      await tx
        .update(memberships)
        .set({ role: event.data.role })
        .where(and(eq(memberships.organizationId, event.aggregateId), eq(memberships.userId, event.data.userId)));
      await bump(tx, event.aggregateId, event.aggregateVersion);
    },
    'member.removed': async (event, tx) => {
      await tx.delete(memberships).where(and(eq(memberships.organizationId, event.aggregateId), eq(memberships.userId, event.data.userId)));
      await bump(tx, event.aggregateId, event.aggregateVersion);
    },
    'invitation.created': async (event, tx) => {
      await tx
        .insert(invitations)
        .values({
          id: event.data.invitationId,
          organizationId: event.aggregateId,
          email: event.data.email,
          role: event.data.role,
          tokenHash: event.data.tokenHash,
          expiresAt: new Date(event.data.expiresAt),
          status: 'pending',
          createdBy: event.actorId,
          createdAt: event.occurredAt,
        })
        .onConflictDoNothing();
      await bump(tx, event.aggregateId, event.aggregateVersion);
    },
    'invitation.revoked': async (event, tx) => {
      await setInvitationStatus(tx, event.aggregateId, event.data.invitationId, 'revoked');
      await bump(tx, event.aggregateId, event.aggregateVersion);
    },
    'invitation.accepted': async (event, tx) => {
      await setInvitationStatus(tx, event.aggregateId, event.data.invitationId, 'accepted');
      await bump(tx, event.aggregateId, event.aggregateVersion);
    },
    'project.created': null,
    'project.renamed': null,
    'task.created': null,
    'task.edited': null,
    'task.moved': null,
    'task.assigned': null,
    'task.archived': null,
    'task.restored': null,
  },
});

async function setInvitationStatus(tx: Tx, organizationId: string, invitationId: string, status: 'revoked' | 'accepted') {
  await tx
    .update(invitations)
    .set({ status })
    .where(and(eq(invitations.id, invitationId), eq(invitations.organizationId, organizationId), eq(invitations.status, 'pending')));
}

// ---- queries

export async function membershipOf(db: Db, organizationId: string, userId: string): Promise<{ role: Role } | null> {
  const [row] = await db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.organizationId, organizationId), eq(memberships.userId, userId)));
  return row ?? null;
}

export async function organizationsOf(db: Db, userId: string) {
  return db
    .select({ id: organizations.id, name: organizations.name, slug: organizations.slug, role: memberships.role })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(sql`lower(${organizations.name})`));
}

export async function membersOf(db: Db, organizationId: string) {
  return db
    .select({ userId: memberships.userId, email: memberships.email, role: memberships.role, joinedAt: memberships.joinedAt })
    .from(memberships)
    .where(eq(memberships.organizationId, organizationId))
    .orderBy(asc(memberships.joinedAt));
}

/** The state commands decide on, read in one snapshot. */
export async function loadOrganization(db: Db, organizationId: string): Promise<OrganizationState | null> {
  return db.transaction(
    async (tx) => {
      const [org] = await tx.select().from(organizations).where(eq(organizations.id, organizationId));
      if (!org) return null;
      const members = await tx
        .select({ userId: memberships.userId, email: memberships.email, role: memberships.role })
        .from(memberships)
        .where(eq(memberships.organizationId, organizationId));
      const invites = await tx
        .select({
          id: invitations.id,
          email: invitations.email,
          role: invitations.role,
          tokenHash: invitations.tokenHash,
          expiresAt: invitations.expiresAt,
          status: invitations.status,
        })
        .from(invitations)
        .where(eq(invitations.organizationId, organizationId));
      return { id: org.id, version: org.version, name: org.name, members, invitations: invites };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

/** Pending invitations, newest first (expired ones included: the UI marks them). */
export async function pendingInvitationsOf(db: Db, organizationId: string) {
  return db
    .select({
      id: invitations.id,
      email: invitations.email,
      role: invitations.role,
      expiresAt: invitations.expiresAt,
      expired: sql<boolean>`${invitations.expiresAt} <= now()`,
      createdAt: invitations.createdAt,
    })
    .from(invitations)
    .where(and(eq(invitations.organizationId, organizationId), eq(invitations.status, 'pending')))
    .orderBy(desc(invitations.createdAt));
}

/** What the accept page shows, only to a caller who holds the token (`tokenHash` must match). */
export async function invitationPreview(
  db: Db,
  input: { organizationId: string; invitationId: string; tokenHash: string },
): Promise<{ organizationName: string; email: string; role: InvitableRole; status: 'pending' | 'revoked' | 'accepted'; expiresAt: Date } | null> {
  const [row] = await db
    .select({ organizationName: organizations.name, email: invitations.email, role: invitations.role, status: invitations.status, expiresAt: invitations.expiresAt })
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.organizationId))
    .where(
      and(
        eq(invitations.id, input.invitationId),
        eq(invitations.organizationId, input.organizationId),
        eq(invitations.tokenHash, input.tokenHash),
      ),
    );
  return row ?? null;
}
