/**
 * Deleting an account (crypto-shredding): the person's email and display name
 * are in plain text nowhere afterwards (Redis, `event_log`, any table), a
 * rebuild reads them as "Deleted user", and the last-owner rule refuses the
 * deletion until ownership is handed over. Renames reach every organization
 * the person belongs to.
 */
import { randomUUID } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { runAppRebuild } from '~/server/app/projection-rebuilds';
import { db } from '~/server/db';
import { ERASED } from '~/server/events/personal';
import { LastOwnerError } from '~/server/modules/account/leave-all';
import { invitationToken } from '~/server/modules/organizations/invitation-token';
import { getRedis } from '~/server/redis';
import { projectorsCaughtUp } from '../support/app-progress';
import { as, closeAppClientsAfterAll, codeOf } from '../support/callers';
import { organizationWithMembers, slug } from '../support/fixtures';
import { addMembers } from '../support/members';
import { singleServer } from '../support/redis-node';

/** Where `needle` shows in plain text: every Redis key (streams entry by entry, strings, hashes), and every row of every public table. */
async function findEverywhere(needle: string): Promise<string[]> {
  const found: string[] = [];
  const lower = needle.toLowerCase();
  const redis = singleServer(getRedis());
  for await (const batch of redis.scanIterator({ COUNT: 500 })) {
    for (const key of batch) {
      if (key.toLowerCase().includes(lower)) found.push(`redis key ${key}`);
      const type = await redis.type(key);
      const text =
        type === 'stream'
          ? JSON.stringify(await redis.xRange(key, '-', '+'))
          : type === 'string'
            ? ((await redis.get(key)) ?? '')
            : type === 'hash'
              ? JSON.stringify(await redis.hGetAll(key))
              : type === 'set'
                ? JSON.stringify(await redis.sMembers(key))
                : type === 'zset'
                  ? JSON.stringify(await redis.zRange(key, 0, -1))
                  : '';
      if (text.toLowerCase().includes(lower)) found.push(`redis ${type} ${key}`);
    }
  }
  const tables = await db.execute<{ name: string }>(sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`);
  for (const { name } of tables) {
    const rows = await db.execute<{ n: number }>(sql`select count(*)::int as n from ${sql.identifier(name)} t where position(${lower} in lower(to_jsonb(t)::text)) > 0`);
    if ((rows[0]?.n ?? 0) > 0) found.push(`table ${name}`);
  }
  return found;
}

closeAppClientsAfterAll();

describe('deleting an account', () => {
  it('leaves no plain copy of their email or name anywhere, and a rebuild reads them as "Deleted user"', { timeout: 120_000 }, async () => {
    const person = as('erased', { uniqueEmail: true });
    const name = `Zed Quux ${randomUUID().slice(0, 6)}`;
    const a = await organizationWithMembers({ name: 'Alpha' });
    const b = await organizationWithMembers({ name: 'Beta' });
    // Alpha invites them by email (an invitation row, an activity row), and they accept; Beta adds them directly.
    const { invitationId } = await a.owner.api.organizations.invite({ organizationId: a.organizationId, email: person.email, role: 'member' });
    await person.api.organizations.acceptInvitation({ organizationId: a.organizationId, invitationId, token: invitationToken(invitationId) });
    const pending = await b.owner.api.organizations.invite({ organizationId: b.organizationId, email: person.email, role: 'admin' });
    await addMembers(b.organizationId, b.owner.session.user.id, [{ userId: person.session.user.id, email: person.email }]);
    await person.api.account.rename({ name });
    await projectorsCaughtUp();

    for (const org of [a, b]) {
      const members = await org.owner.api.organizations.members({ organizationId: org.organizationId });
      expect(members.find((m) => m.userId === person.session.user.id)).toMatchObject({ email: person.email, displayName: name });
    }
    // The search can fail: their data is there in plain text (read models) before, and never in the log.
    expect(await findEverywhere(person.email)).toEqual(expect.arrayContaining(['table memberships', 'table invitations', 'table activity']));
    expect(await findEverywhere(name)).toEqual(['table memberships']);

    expect(await codeOf(person.api.account.delete())).toBe('OK');
    await projectorsCaughtUp();
    expect(await findEverywhere(person.email)).toEqual([]);
    expect(await findEverywhere(name)).toEqual([]);

    for (const org of [a, b]) {
      const members = await org.owner.api.organizations.members({ organizationId: org.organizationId });
      expect(members.map((m) => m.userId)).not.toContain(person.session.user.id);
    }
    const invitations = await b.owner.api.organizations.invitations({ organizationId: b.organizationId });
    expect(invitations.find((i) => i.id === pending.invitationId)?.email).toBe(ERASED);
    const feed = await a.owner.api.activity.list({ organizationId: a.organizationId, limit: 50 });
    expect(feed.items.map((i) => i.summary)).toContain(`invited ${ERASED} as member`);

    await runAppRebuild('directory', { requestedBy: 'test' });
    await runAppRebuild('activity', { requestedBy: 'test' });
    const rebuilt = await b.owner.api.organizations.invitations({ organizationId: b.organizationId });
    expect(rebuilt.find((i) => i.id === pending.invitationId)?.email).toBe(ERASED);
    const rebuiltFeed = await a.owner.api.activity.list({ organizationId: a.organizationId, limit: 50 });
    expect(rebuiltFeed.items.map((i) => i.summary)).toContain(`invited ${ERASED} as member`);
    expect(await findEverywhere(person.email)).toEqual([]);
  });

  it('is refused while they are the last owner of an organization, and allowed once they handed it over', async () => {
    const owner = as('sole-owner', { uniqueEmail: true });
    const other = as('heir');
    const { id: organizationId } = await owner.api.organizations.create({ name: 'Solo', slug: slug('solo') });
    const refused = await owner.api.account.delete().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TRPCError);
    expect(refused instanceof TRPCError && refused.code).toBe('CONFLICT');
    expect(refused instanceof TRPCError && refused.cause).toBeInstanceOf(LastOwnerError);
    expect(refused instanceof Error && refused.message).toMatch(/last owner of “Solo”.*make another member owner/);
    // Nothing changed: still its owner.
    expect(await owner.api.organizations.get({ organizationId })).toMatchObject({ role: 'owner' });

    await addMembers(organizationId, owner.session.user.id, [{ userId: other.session.user.id, email: other.email }]);
    await owner.api.organizations.changeRole({ organizationId, userId: other.session.user.id, role: 'owner' });
    expect(await codeOf(owner.api.account.delete())).toBe('OK');
    await projectorsCaughtUp();
    expect(await codeOf(owner.api.organizations.get({ organizationId }))).toBe('NOT_FOUND');
    expect(await codeOf(owner.api.account.rename({ name: 'Back again' }))).toBe('NOT_FOUND');
  });

  it('a rename shows in the members of each of their organizations, and only there', async () => {
    const person = as('renamer');
    const [a, b, c] = [await organizationWithMembers(), await organizationWithMembers(), await organizationWithMembers()];
    for (const org of [a, b]) await addMembers(org.organizationId, org.owner.session.user.id, [{ userId: person.session.user.id, email: person.email }]);
    await person.api.account.rename({ name: 'Grace H.' });
    await projectorsCaughtUp();
    for (const org of [a, b]) {
      const members = await org.owner.api.organizations.members({ organizationId: org.organizationId });
      expect(members.find((m) => m.userId === person.session.user.id)?.displayName).toBe('Grace H.');
    }
    const others = await c.owner.api.organizations.members({ organizationId: c.organizationId });
    expect(others.map((m) => m.displayName)).not.toContain('Grace H.');
    expect(await person.api.account.get()).toMatchObject({ email: person.email, initials: expect.any(String) });
  });
});
