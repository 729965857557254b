/**
 * G3 through the app: every creating mutation (organizations.create,
 * tasks.createProject, tasks.create, organizations.invite) takes an
 * idempotency key; the same key sent again, one after the other or at the
 * same time (a retry whose first response was lost), creates one thing, with
 * one event in the log, and answers the same id. Different keys create two.
 * A key reused with different input answers the stored result.
 */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { env } from '~/env';
import { catchUp } from '~/server/app/projectors';
import { db } from '~/server/db';
import { envelopeSchema } from '~/server/events/envelope';
import { SEALED_FIELD } from '~/server/events/personal';
import { devMailbox } from '~/server/mail';
import { getRedis, keys } from '~/server/redis';
import { partitionOf } from '~/server/redis/keys';
import { as, closeAppClientsAfterAll } from '../support/callers';
import { boardWithTasks, slug } from '../support/fixtures';

closeAppClientsAfterAll();

const top = { status: 'todo', after: null, before: null } as const; // a literal status, as the input's enum wants

/** The organization's events of one type, as the partition stream holds them (the log itself, not a read model). */
async function eventsOf(organizationId: string, type: string) {
  const partition = partitionOf(organizationId, env.EVENT_PARTITIONS);
  const entries = (await getRedis().xRange(keys.stream(partition), '-', '+')) ?? [];
  return entries.map((e) => envelopeSchema.parse(JSON.parse(e.message.e ?? ''))).filter((e) => e.organizationId === organizationId && e.type === type);
}

/** An owner with an organization and a project, and a second member (an admin). */
async function workspace() {
  const other = as('other');
  const { owner, organizationId, projectId } = await boardWithTasks({ members: [{ user: other, role: 'admin' }] });
  return { owner, other, organizationId, projectId };
}

describe('organizations.create with an idempotency key', () => {
  const created = async (organizationId: string) => (await eventsOf(organizationId, 'organization.created')).length;

  it('the same key twice creates one organization, one event, and answers the same result', async () => {
    const ada = as('ada');
    const input = { name: 'Once', slug: slug('once'), idempotencyKey: randomUUID() };
    const first = await ada.api.organizations.create(input);
    const second = await ada.api.organizations.create(input);
    expect(second).toMatchObject({ id: first.id, position: first.position, settled: true });
    expect(await created(first.id)).toBe(1);
    expect(await eventsOf(first.id, 'member.added')).toHaveLength(1);
    await expect(ada.api.organizations.mine()).resolves.toHaveLength(1);
  });

  it('sent concurrently with one key (the first response lost), it still creates exactly one', async () => {
    const ada = as('ada');
    const input = { name: 'Race', slug: slug('race'), idempotencyKey: randomUUID() };
    const results = await Promise.all(Array.from({ length: 5 }, () => ada.api.organizations.create(input)));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(new Set(results.map((r) => JSON.stringify(r.position))).size).toBe(1);
    expect(await created(results[0]?.id ?? '')).toBe(1);
    await expect(ada.api.organizations.mine()).resolves.toHaveLength(1);
  });

  it('a key reused with another URL name (another partition) answers the first organization and creates nothing', async () => {
    const ada = as('ada');
    const idempotencyKey = randomUUID();
    const firstSlug = slug('first');
    let otherSlug = slug('other');
    const partition = (s: string) => partitionOf(`slug:${s}`, env.EVENT_PARTITIONS);
    while (partition(otherSlug) === partition(firstSlug)) otherSlug = slug('other');
    const first = await ada.api.organizations.create({ name: 'First', slug: firstSlug, idempotencyKey });
    const second = await ada.api.organizations.create({ name: 'Other', slug: otherSlug, idempotencyKey });
    expect(second).toMatchObject({ id: first.id, slug: firstSlug, position: first.position });
    await expect(ada.api.organizations.mine()).resolves.toEqual([expect.objectContaining({ id: first.id, name: 'First', slug: firstSlug })]);
    // The other URL name stays free.
    await expect(as('bob').api.organizations.create({ name: 'Bob', slug: otherSlug })).resolves.toMatchObject({ slug: otherSlug });
  });

  it('different keys create two', async () => {
    const ada = as('ada');
    const a = await ada.api.organizations.create({ name: 'A', slug: slug('a'), idempotencyKey: randomUUID() });
    const b = await ada.api.organizations.create({ name: 'B', slug: slug('b'), idempotencyKey: randomUUID() });
    expect(a.id).not.toBe(b.id);
    expect([await created(a.id), await created(b.id)]).toEqual([1, 1]);
    await expect(ada.api.organizations.mine()).resolves.toHaveLength(2);
  });
});

describe('tasks.createProject with an idempotency key', () => {
  it('the same key twice, and then concurrently, creates one project with one event', async () => {
    const { owner, organizationId } = await workspace();
    const input = { organizationId, name: 'Roadmap', idempotencyKey: randomUUID() };
    const first = await owner.api.tasks.createProject(input);
    const again = await owner.api.tasks.createProject(input);
    expect(again).toMatchObject({ id: first.id, position: first.position, settled: true });

    const raced = { organizationId, name: 'Raced', idempotencyKey: randomUUID() };
    const results = await Promise.all(Array.from({ length: 5 }, () => owner.api.tasks.createProject(raced)));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);

    const events = await eventsOf(organizationId, 'project.created');
    expect(events.filter((e) => e.aggregateId === first.id)).toHaveLength(1);
    expect(events.filter((e) => e.aggregateId === results[0]?.id)).toHaveLength(1);
    const projects = await owner.api.tasks.projects({ organizationId });
    expect(projects.map((p) => p.name).sort()).toEqual(['Launch', 'Raced', 'Roadmap']);
  });

  it('different keys create two; without a key every call creates one', async () => {
    const { owner, organizationId } = await workspace();
    const a = await owner.api.tasks.createProject({ organizationId, name: 'Twin', idempotencyKey: randomUUID() });
    const b = await owner.api.tasks.createProject({ organizationId, name: 'Twin', idempotencyKey: randomUUID() });
    const c = await owner.api.tasks.createProject({ organizationId, name: 'Twin' });
    expect(new Set([a.id, b.id, c.id]).size).toBe(3);
    expect((await eventsOf(organizationId, 'project.created')).filter((e) => [a.id, b.id, c.id].includes(e.aggregateId))).toHaveLength(3);
    expect((await owner.api.tasks.projects({ organizationId })).filter((p) => p.name === 'Twin')).toHaveLength(3);
  });

  it('a key reused with another name answers the first project (the stored result wins) and creates nothing', async () => {
    const { owner, organizationId } = await workspace();
    const idempotencyKey = randomUUID();
    const first = await owner.api.tasks.createProject({ organizationId, name: 'First', idempotencyKey });
    const second = await owner.api.tasks.createProject({ organizationId, name: 'Second', idempotencyKey });
    expect(second).toMatchObject({ id: first.id, position: first.position, settled: true });
    expect((await owner.api.tasks.projects({ organizationId })).map((p) => p.name).sort()).toEqual(['First', 'Launch']);
    expect(await eventsOf(organizationId, 'project.created')).toHaveLength(2); // Launch and First
  });
});

describe('tasks.create with an idempotency key', () => {
  it('the same key twice creates one task with one event and answers the same id', async () => {
    const { owner, organizationId, projectId } = await workspace();
    const input = { organizationId, projectId, title: 'Write docs', placement: top, idempotencyKey: randomUUID() };
    const first = await owner.api.tasks.create(input);
    const second = await owner.api.tasks.create(input);
    expect(second).toMatchObject({ id: first.id, position: first.position, settled: true });
    expect(await eventsOf(organizationId, 'task.created')).toEqual([expect.objectContaining({ aggregateId: first.id, aggregateVersion: 1 })]);
    const board = await owner.api.tasks.board({ organizationId, projectId });
    expect(board.tasks.map((t) => t.id)).toEqual([first.id]);
  });

  it('a retry whose first response was lost (concurrent calls, one key) still creates exactly one task', async () => {
    const { owner, organizationId, projectId } = await workspace();
    const input = { organizationId, projectId, title: 'Once only', placement: top, idempotencyKey: randomUUID() };
    const results = await Promise.all(Array.from({ length: 6 }, () => owner.api.tasks.create(input)));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(await eventsOf(organizationId, 'task.created')).toHaveLength(1);
    expect((await owner.api.tasks.board({ organizationId, projectId })).tasks.map((t) => t.title)).toEqual(['Once only']);
  });

  it('different keys create two tasks, and another member using the same key creates their own', async () => {
    const { owner, other, organizationId, projectId } = await workspace();
    const key = randomUUID();
    const a = await owner.api.tasks.create({ organizationId, projectId, title: 'Same title', placement: top, idempotencyKey: key });
    const b = await owner.api.tasks.create({ organizationId, projectId, title: 'Same title', placement: top, idempotencyKey: randomUUID() });
    // A key is its sender's: another member's request with the same key is another request.
    const c = await other.api.tasks.create({ organizationId, projectId, title: 'Same title', placement: top, idempotencyKey: key });
    expect(new Set([a.id, b.id, c.id]).size).toBe(3);
    expect(c.changed).toBe(true);
    expect((await eventsOf(organizationId, 'task.created')).map((e) => e.aggregateId).sort()).toEqual([a.id, b.id, c.id].sort());
    expect((await owner.api.tasks.board({ organizationId, projectId })).tasks).toHaveLength(3);
  });

  it('a key reused with another title answers the first task; a key first used for a project is refused', async () => {
    const { owner, organizationId, projectId } = await workspace();
    const idempotencyKey = randomUUID();
    const first = await owner.api.tasks.create({ organizationId, projectId, title: 'First', placement: top, idempotencyKey });
    const second = await owner.api.tasks.create({ organizationId, projectId, title: 'Second', placement: top, idempotencyKey });
    expect(second.id).toBe(first.id);
    expect((await owner.api.tasks.board({ organizationId, projectId })).tasks.map((t) => t.title)).toEqual(['First']);

    const projectKey = randomUUID();
    await owner.api.tasks.createProject({ organizationId, name: 'Keyed', idempotencyKey: projectKey });
    await expect(owner.api.tasks.create({ organizationId, projectId, title: 'Reused', placement: top, idempotencyKey: projectKey })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'This idempotency key was already used for another request; send a new one.',
    });
    expect(await eventsOf(organizationId, 'task.created')).toHaveLength(1);
  });
});

describe('organizations.invite with an idempotency key', () => {
  it('the same key twice creates one invitation, one event and one mail, and answers the same link', async () => {
    const { owner, organizationId } = await workspace();
    const email = `${randomUUID().slice(0, 8)}@example.com`;
    const input = { organizationId, email, role: 'member' as const, idempotencyKey: randomUUID() }; // a literal role, as the input's enum wants
    const first = await owner.api.organizations.invite(input);
    const second = await owner.api.organizations.invite(input);
    expect(second).toMatchObject({ invitationId: first.invitationId, url: first.url, position: first.position, settled: true });
    // In the log the email is sealed (personal data); the read model shows it opened.
    expect((await eventsOf(organizationId, 'invitation.created')).map((e) => e.data)).toEqual([expect.objectContaining({ invitationId: first.invitationId, [SEALED_FIELD]: expect.anything() })]);
    expect(JSON.stringify(await eventsOf(organizationId, 'invitation.created'))).not.toContain(email);
    await expect(owner.api.organizations.invitations({ organizationId })).resolves.toEqual([expect.objectContaining({ id: first.invitationId, email })]);
    expect(await catchUp(first.position ?? undefined)).toEqual({ settled: true });
    expect(await db.select().from(devMailbox).where(eq(devMailbox.to, email))).toHaveLength(1);
  });

  it('sent concurrently with one key, it creates exactly one invitation', async () => {
    const { owner, organizationId } = await workspace();
    const input = { organizationId, email: `${randomUUID().slice(0, 8)}@example.com`, role: 'admin' as const, idempotencyKey: randomUUID() }; // a literal role, as above
    const results = await Promise.all(Array.from({ length: 5 }, () => owner.api.organizations.invite(input)));
    expect(new Set(results.map((r) => r.invitationId)).size).toBe(1);
    expect(new Set(results.map((r) => r.url)).size).toBe(1);
    expect(await eventsOf(organizationId, 'invitation.created')).toHaveLength(1);
    await expect(owner.api.organizations.invitations({ organizationId })).resolves.toHaveLength(1);
  });

  it('different keys create two invitations; a key reused for another email answers the first invitation', async () => {
    const { owner, other, organizationId } = await workspace();
    const key = randomUUID();
    const a = await owner.api.organizations.invite({ organizationId, email: 'a@example.com', role: 'member', idempotencyKey: key });
    const b = await owner.api.organizations.invite({ organizationId, email: 'a@example.com', role: 'member', idempotencyKey: randomUUID() });
    expect(a.invitationId).not.toBe(b.invitationId);
    const reused = await owner.api.organizations.invite({ organizationId, email: 'b@example.com', role: 'admin', idempotencyKey: key });
    expect(reused).toMatchObject({ invitationId: a.invitationId, url: a.url });
    // Another admin's request with the same key is their own.
    const byOther = await other.api.organizations.invite({ organizationId, email: 'a@example.com', role: 'member', idempotencyKey: key });
    expect([a.invitationId, b.invitationId]).not.toContain(byOther.invitationId);
    const created = await eventsOf(organizationId, 'invitation.created');
    expect(created.map((e) => e.data)).toEqual([
      expect.objectContaining({ invitationId: a.invitationId }),
      expect.objectContaining({ invitationId: b.invitationId }),
      expect.objectContaining({ invitationId: byOther.invitationId }),
    ]);
    const pending = await owner.api.organizations.invitations({ organizationId });
    expect(pending.map((i) => i.email)).toEqual(['a@example.com', 'a@example.com', 'a@example.com']);
  });
});
