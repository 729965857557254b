import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { writeSide } from '~/server/app/context';
import { db } from '~/server/db';
import { projectorCheckpoints, reactorEffects } from '~/server/db/event-core-schema';
import { devMailbox } from '~/server/mail';
import { invitationCreated } from '~/server/modules/organizations/events';
import { invitationMailer } from '~/server/modules/organizations/invitation-mailer';
import { hashInvitationToken, invitationToken } from '~/server/modules/organizations/invitation-token';
import { organizationDecider } from '~/server/modules/organizations/commands';
import { catchUp, createAppRuntime } from '~/server/app/projectors';
import { drainsAfterResponsesDone } from '~/server/app/read-your-writes';
import { loadState, recordEvents } from '~/server/commands/handler';
import { getRedis, keys } from '~/server/redis';
import { as, closeAppClientsAfterAll, codeAndMessageOf } from '../support/callers';
import { slug } from '../support/fixtures';
import { eventually } from '../support/log-capture';

closeAppClientsAfterAll();

/** A user whose email no other test's has: invitations are addressed by email. */
const user = (name: string) => as(name, { uniqueEmail: true });

const tokenOf = (url: string) => new URL(url, 'http://app.test').searchParams.get('token') ?? '';

async function organization() {
  const owner = user('owner');
  const created = await owner.api.organizations.create({ name: 'Initech', slug: slug('initech') });
  return { owner, organizationId: created.id };
}

describe('invitations', () => {
  it('invite → listed and mailed → a third user accepts → member with the invited role', async () => {
    const { owner, organizationId } = await organization();
    const invitee = user('invitee');
    const invited = await owner.api.organizations.invite({ organizationId, email: invitee.email, role: 'admin' });
    const { invitationId, url } = invited;
    expect(url).toBe(`/invite/${organizationId}/${invitationId}?token=${tokenOf(url)}`);

    await expect(owner.api.organizations.invitations({ organizationId })).resolves.toEqual([
      { id: invitationId, email: invitee.email, role: 'admin', expiresAt: expect.any(Date), expired: false, createdAt: expect.any(Date) },
    ]);
    // The write side, the log and the read model hold only the token's hash; the mailer runs once the read side catches up.
    const { state } = await loadState(writeSide(), organizationDecider, organizationId, organizationId);
    expect(state?.invitations).toEqual([expect.objectContaining({ id: invitationId, tokenHash: hashInvitationToken(tokenOf(url)), status: 'pending' })]);
    expect(await catchUp(invited.position ?? undefined)).toEqual({ settled: true });
    const logged = await db.execute<{ data: unknown }>(sql`select data from event_log where type = 'invitation.created' and organization_id = ${organizationId}`);
    expect(JSON.stringify(logged)).not.toContain(tokenOf(url));

    // The mail carries the same link, and only the invitee sees it.
    const mails = await invitee.api.mailbox.list();
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ to: invitee.email, subject: 'You are invited to join Initech on Streamline' });
    expect(mails[0]?.text).toContain(url);
    await expect(owner.api.mailbox.list()).resolves.toEqual([]);

    await expect(invitee.api.organizations.invitation({ organizationId, invitationId, token: tokenOf(url) })).resolves.toMatchObject({
      organizationName: 'Initech',
      role: 'admin',
      status: 'pending',
    });
    await expect(invitee.api.organizations.acceptInvitation({ organizationId, invitationId, token: tokenOf(url) })).resolves.toMatchObject({ id: organizationId, organizationId, changed: true });
    await expect(invitee.api.organizations.get({ organizationId })).resolves.toMatchObject({ name: 'Initech', role: 'admin' });
    await expect(owner.api.organizations.invitations({ organizationId })).resolves.toEqual([]);
    const members = await owner.api.organizations.members({ organizationId });
    expect(members.map((m) => [m.email, m.role])).toEqual([[owner.email, 'owner'], [invitee.email, 'admin']]);
  });

  it('a used link cannot be used again, by the same user or anyone else', async () => {
    const { owner, organizationId } = await organization();
    const { invitationId, url } = await owner.api.organizations.invite({ organizationId, email: 'someone@example.com', role: 'member' });
    const first = user('first');
    await first.api.organizations.acceptInvitation({ organizationId, invitationId, token: tokenOf(url) });
    expect(await codeAndMessageOf(first.api.organizations.acceptInvitation({ organizationId, invitationId, token: tokenOf(url) }))).toMatch(/^CONFLICT: .*already used/);
    const second = user('second');
    expect(await codeAndMessageOf(second.api.organizations.acceptInvitation({ organizationId, invitationId, token: tokenOf(url) }))).toMatch(/^CONFLICT: .*already used/);
    await expect(second.api.organizations.mine()).resolves.toEqual([]);
    expect(await codeAndMessageOf(owner.api.organizations.revokeInvitation({ organizationId, invitationId }))).toMatch(/^CONFLICT: .*accepted/);
  });

  it('a revoked invitation cannot be accepted, nor revoked twice; an unknown one is NOT_FOUND', async () => {
    const { owner, organizationId } = await organization();
    const { invitationId, url } = await owner.api.organizations.invite({ organizationId, email: 'late@example.com', role: 'member' });
    await owner.api.organizations.revokeInvitation({ organizationId, invitationId });
    await expect(owner.api.organizations.invitations({ organizationId })).resolves.toEqual([]);
    const late = user('late');
    await expect(late.api.organizations.invitation({ organizationId, invitationId, token: tokenOf(url) })).resolves.toMatchObject({ status: 'revoked' });
    expect(await codeAndMessageOf(late.api.organizations.acceptInvitation({ organizationId, invitationId, token: tokenOf(url) }))).toMatch(/^CONFLICT: .*revoked/);
    await expect(late.api.organizations.mine()).resolves.toEqual([]);
    expect(await codeAndMessageOf(owner.api.organizations.revokeInvitation({ organizationId, invitationId }))).toMatch(/^CONFLICT: .*revoked/);
    expect(await codeAndMessageOf(owner.api.organizations.revokeInvitation({ organizationId, invitationId: randomUUID() }))).toMatch(/^NOT_FOUND/);
  });

  it('an expired invitation is refused with a clear message', async () => {
    const { owner, organizationId } = await organization();
    // An invitation whose week has passed: appended as the event it would have been a week ago.
    const invitationId = randomUUID();
    const token = invitationToken(invitationId);
    const result = await recordEvents(writeSide(), {
      decider: organizationDecider,
      organizationId,
      aggregateId: organizationId,
      actorId: owner.session.user.id,
      events: [invitationCreated.create({ invitationId, email: 'slow@example.com', role: 'member', tokenHash: hashInvitationToken(token), expiresAt: new Date(Date.now() - 1_000).toISOString() })],
    });
    await catchUp(result.positions.at(-1));
    const slow = user('slow');
    await expect(slow.api.organizations.invitation({ organizationId, invitationId, token })).resolves.toMatchObject({ status: 'expired' });
    expect(await codeAndMessageOf(slow.api.organizations.acceptInvitation({ organizationId, invitationId, token }))).toMatch(/^CONFLICT: .*expired/);
    await expect(slow.api.organizations.mine()).resolves.toEqual([]);
  });

  it('a wrong token is NOT_FOUND, for the preview and the accept', async () => {
    const { owner, organizationId } = await organization();
    const { invitationId } = await owner.api.organizations.invite({ organizationId, email: 'guess@example.com', role: 'member' });
    const guesser = user('guesser');
    const wrong = invitationToken(randomUUID());
    expect(await codeAndMessageOf(guesser.api.organizations.invitation({ organizationId, invitationId, token: wrong }))).toMatch(/^NOT_FOUND/);
    expect(await codeAndMessageOf(guesser.api.organizations.acceptInvitation({ organizationId, invitationId, token: wrong }))).toMatch(/^NOT_FOUND/);
    await expect(guesser.api.organizations.mine()).resolves.toEqual([]);
  });

  it('inviting someone who is already a member is a CONFLICT; owner is not an invitable role', async () => {
    const { owner, organizationId } = await organization();
    expect(await codeAndMessageOf(owner.api.organizations.invite({ organizationId, email: owner.email, role: 'member' }))).toMatch(/^CONFLICT: .*already a member/);
    // @ts-expect-error owner is not an invitable role
    expect(await codeAndMessageOf(owner.api.organizations.invite({ organizationId, email: 'boss@example.com', role: 'owner' }))).toMatch(/^BAD_REQUEST/);
    await expect(owner.api.organizations.invitations({ organizationId })).resolves.toEqual([]);
  });
});

describe('the invitation mailer', () => {
  it('writes exactly one mail per invitation, even when the runtime delivers the event again', async () => {
    const { owner, organizationId } = await organization();
    const invitee = user('again');
    const { invitationId, position } = await owner.api.organizations.invite({ organizationId, email: invitee.email, role: 'member' });
    expect(await catchUp(position ?? undefined)).toEqual({ settled: true });
    await expect(invitee.api.mailbox.list()).resolves.toHaveLength(1);

    // Deliver every entry to the mailer again: rewind its checkpoints, then its consumer groups, to the start.
    // First let the command's drain after the response finish: one still running could read the rewound
    // group before the checkpoint is rewound, skip every entry as applied, and leave nothing to deliver.
    await drainsAfterResponsesDone();
    await db.update(projectorCheckpoints).set({ lastId: '0-0' }).where(eq(projectorCheckpoints.projector, invitationMailer.name));
    const { env } = await import('~/env');
    for (let p = 0; p < env.EVENT_PARTITIONS; p++) {
      await getRedis().xGroupSetId(keys.stream(p), invitationMailer.name, '0').catch(() => undefined);
    }
    const runtime = createAppRuntime(`again-${randomUUID().slice(0, 8)}`);
    await eventually(async () => {
      await runtime.drain({ maxMs: 2_000, maxEvents: 10_000, releaseLeases: true });
      const rows = await db.select().from(projectorCheckpoints).where(eq(projectorCheckpoints.projector, invitationMailer.name));
      return rows.length > 0 && rows.every((r) => r.lastId !== '0-0');
    }, 20_000, 'the mailer replaying the log');

    const mails = await db.select().from(devMailbox).where(eq(devMailbox.to, invitee.email));
    expect(mails).toHaveLength(1);
    expect(mails[0]?.text).toContain(invitationId);
    const effects = await db.select().from(reactorEffects).where(eq(reactorEffects.reactor, invitationMailer.name));
    expect(effects.length).toBeGreaterThan(0);
  });
});
