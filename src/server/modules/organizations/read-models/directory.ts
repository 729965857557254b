/**
 * The directory read model: organizations and their members. It answers
 * "which organizations am I in", "who is in this one", and the membership
 * check of organization-scoped queries and subscriptions, and the pending
 * invitations admins see. Commands never read it: they decide from the
 * organization's write-side state (../commands.ts).
 */
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { index, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { Db } from '~/server/db/client';
import { defineProjector, type Tx } from '~/server/projectors/define-projector';
import { ERASED } from '~/server/events/personal';
import { userForgotten, userRenamed } from '~/server/modules/account/events';
import { organizationEvents, type InvitableRole, type Role } from '../events';

export const organizations = pgTable(
  'organizations',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    slug: text('slug').notNull(),
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
    /** Their display name (`user.renamed`), null until they set one; "Deleted user" once forgotten. */
    displayName: text('display_name'),
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

export const directoryProjector = defineProjector({
  name: 'directory',
  events: [...organizationEvents, userRenamed, userForgotten],
  tables: [organizations, memberships, invitations],
  handlers: {
    'organization.created': async (event, tx) => {
      await tx
        .insert(organizations)
        .values({ id: event.aggregateId, name: event.data.name, slug: event.data.slug, createdAt: event.occurredAt })
        .onConflictDoNothing();
    },
    'organization.renamed': async (event, tx) => {
      await tx.update(organizations).set({ name: event.data.name }).where(eq(organizations.id, event.aggregateId));
    },
    'member.added': async (event, tx) => {
      await tx
        .insert(memberships)
        .values({ organizationId: event.aggregateId, userId: event.data.userId, email: event.data.email, role: event.data.role, joinedAt: event.occurredAt })
        .onConflictDoNothing();
    },
    'member.role-changed': async (event, tx) => {
      await tx
        .update(memberships)
        .set({ role: event.data.role })
        .where(and(eq(memberships.organizationId, event.aggregateId), eq(memberships.userId, event.data.userId)));
    },
    'member.removed': async (event, tx) => {
      await tx.delete(memberships).where(and(eq(memberships.organizationId, event.aggregateId), eq(memberships.userId, event.data.userId)));
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
    },
    'invitation.revoked': async (event, tx) => {
      await setInvitationStatus(tx, event.aggregateId, event.data.invitationId, 'revoked');
    },
    'invitation.accepted': async (event, tx) => {
      await setInvitationStatus(tx, event.aggregateId, event.data.invitationId, 'accepted');
    },
    // An account's event: it changes the rows of each organization the person belongs to, and tells each one.
    'user.renamed': async (event, tx, context) => {
      const rows = await tx
        .update(memberships)
        .set({ displayName: event.data.name })
        .where(eq(memberships.userId, event.data.userId))
        .returning({ organizationId: memberships.organizationId });
      for (const row of rows) context.notify(row.organizationId);
    },
    // Their keys are gone: whatever plain copy of their email or name is left here reads as a rebuild would show it.
    'user.forgotten': async (event, tx, context) => {
      const members = await tx
        .update(memberships)
        .set({ email: ERASED, displayName: ERASED })
        .where(eq(memberships.userId, event.data.userId))
        .returning({ organizationId: memberships.organizationId });
      const invited = event.data.subjects.flatMap((subject) => (subject.startsWith('email:') ? [subject.slice('email:'.length)] : []));
      const invitationRows =
        invited.length === 0
          ? []
          : await tx
              .update(invitations)
              .set({ email: ERASED })
              .where(inArray(sql`encode(sha256(convert_to(lower(trim(${invitations.email})), 'UTF8')), 'hex')`, invited))
              .returning({ organizationId: invitations.organizationId });
      for (const row of [...members, ...invitationRows]) context.notify(row.organizationId);
    },
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

export async function organizationOf(db: Db, organizationId: string) {
  const [row] = await db.select({ id: organizations.id, name: organizations.name, slug: organizations.slug }).from(organizations).where(eq(organizations.id, organizationId));
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
    .select({ userId: memberships.userId, email: memberships.email, displayName: memberships.displayName, role: memberships.role, joinedAt: memberships.joinedAt })
    .from(memberships)
    .where(eq(memberships.organizationId, organizationId))
    .orderBy(asc(memberships.joinedAt));
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
