import { randomUUID } from 'node:crypto';
import type { AnyProcedure } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { appRouter } from '~/server/app/router';
import { as, closeAppClientsAfterAll, codeOf } from '../support/callers';
import { boardWithTasks, organizationWithMembers, slug } from '../support/fixtures';
import { expectRegistered, sampleInput } from '../support/registries';

closeAppClientsAfterAll();

/** An organization with an owner, an admin and a member, all settled into the read models, and a project with one task. */
async function team() {
  const organization = await organizationWithMembers();
  const { projectId, taskIds } = await boardWithTasks({ organization, tasks: ['Write the docs'] });
  return { ...organization, projectId, taskId: taskIds[0] };
}

describe('organizations', () => {
  it('create: the creator is owner and sees it right away (read-your-writes)', async () => {
    const ada = as('ada');
    const s = slug('acme');
    const created = await ada.api.organizations.create({ name: 'Acme', slug: s });
    expect(created).toMatchObject({ slug: s, settled: true });
    await expect(ada.api.organizations.mine()).resolves.toEqual([{ id: created.id, name: 'Acme', slug: s, role: 'owner' }]);
    await expect(ada.api.organizations.get({ organizationId: created.id })).resolves.toEqual({ id: created.id, name: 'Acme', role: 'owner' });
  });

  it('slugs are unique, even when two people race for one', async () => {
    const s = slug('race');
    const results = await Promise.allSettled([as('a').api.organizations.create({ name: 'A', slug: s }), as('b').api.organizations.create({ name: 'B', slug: s })]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected?.reason).toMatchObject({ code: 'CONFLICT', message: `The URL name “${s}” is already taken; choose another.` });
  });

  it('a retried create with the same idempotency key creates one organization', async () => {
    const ada = as('ada');
    const input = { name: 'Once', slug: slug('once'), idempotencyKey: randomUUID() };
    const [first, second] = [await ada.api.organizations.create(input), await ada.api.organizations.create(input)];
    expect(second.id).toBe(first.id);
    await expect(ada.api.organizations.mine()).resolves.toHaveLength(1);
  });

  it('rename, change role, remove and leave go through the events to the directory', async () => {
    const { organizationId, owner, admin, member } = await team();
    await owner.api.organizations.rename({ organizationId, name: 'Acme Inc' });
    await expect(member.api.organizations.get({ organizationId })).resolves.toMatchObject({ name: 'Acme Inc', role: 'member' });
    await admin.api.organizations.changeRole({ organizationId, userId: member.session.user.id, role: 'admin' });
    await expect(member.api.organizations.get({ organizationId })).resolves.toMatchObject({ role: 'admin' });
    await owner.api.organizations.removeMember({ organizationId, userId: admin.session.user.id });
    await expect(admin.api.organizations.mine()).resolves.toEqual([]);
    await member.api.organizations.leave({ organizationId });
    const members = await owner.api.organizations.members({ organizationId });
    expect(members.map((m) => m.userId)).toEqual([owner.session.user.id]);
    expect(await codeOf(owner.api.organizations.leave({ organizationId }))).toBe('CONFLICT'); // the last owner stays
  });

  it('bad input is a BAD_REQUEST with field errors and writes nothing', async () => {
    const ada = as('ada');
    const error = await ada.api.organizations.create({ name: '', slug: 'Not A Slug!' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BAD_REQUEST' });
    await expect(ada.api.organizations.mine()).resolves.toEqual([]);
  });
});

describe('G11 tenant isolation: every procedure as an outsider and as a too-low role', () => {
  type Fixture = Awaited<ReturnType<typeof team>>;
  type Call = (f: Fixture, who: ReturnType<typeof as>) => Promise<unknown>;
  /** Every procedure that takes an organization, with the lowest role allowed to call it. */
  const cases: Record<string, { minRole: 'member' | 'admin'; call: Call }> = {
    'organizations.get': { minRole: 'member', call: (f, w) => w.api.organizations.get({ organizationId: f.organizationId }) },
    'organizations.members': { minRole: 'member', call: (f, w) => w.api.organizations.members({ organizationId: f.organizationId }) },
    'organizations.rename': { minRole: 'admin', call: (f, w) => w.api.organizations.rename({ organizationId: f.organizationId, name: 'Hijacked' }) },
    'organizations.changeRole': {
      minRole: 'admin',
      call: (f, w) => w.api.organizations.changeRole({ organizationId: f.organizationId, userId: f.member.session.user.id, role: 'member' }),
    },
    'organizations.removeMember': {
      minRole: 'admin',
      call: (f, w) => w.api.organizations.removeMember({ organizationId: f.organizationId, userId: f.owner.session.user.id }),
    },
    'organizations.leave': { minRole: 'member', call: (f, w) => w.api.organizations.leave({ organizationId: f.organizationId }) },
    'organizations.changes': { minRole: 'member', call: (f, w) => w.api.organizations.changes({ organizationId: f.organizationId }) },
    'tasks.projects': { minRole: 'member', call: (f, w) => w.api.tasks.projects({ organizationId: f.organizationId }) },
    'tasks.createProject': { minRole: 'member', call: (f, w) => w.api.tasks.createProject({ organizationId: f.organizationId, name: 'Sneaky' }) },
    'tasks.renameProject': { minRole: 'member', call: (f, w) => w.api.tasks.renameProject({ organizationId: f.organizationId, projectId: f.projectId, name: 'Sneaky' }) },
    'tasks.board': { minRole: 'member', call: (f, w) => w.api.tasks.board({ organizationId: f.organizationId, projectId: f.projectId }) },
    'tasks.dashboard': { minRole: 'member', call: (f, w) => w.api.tasks.dashboard({ organizationId: f.organizationId }) },
    'tasks.create': {
      minRole: 'member',
      call: (f, w) => w.api.tasks.create({ organizationId: f.organizationId, projectId: f.projectId, title: 'Sneaky', placement: { status: 'todo', after: null, before: null } }),
    },
    'tasks.edit': { minRole: 'member', call: (f, w) => w.api.tasks.edit({ organizationId: f.organizationId, taskId: f.taskId, title: 'Sneaky', description: '' }) },
    'tasks.move': { minRole: 'member', call: (f, w) => w.api.tasks.move({ organizationId: f.organizationId, taskId: f.taskId, placement: { status: 'done', after: null, before: null } }) },
    'tasks.assign': { minRole: 'member', call: (f, w) => w.api.tasks.assign({ organizationId: f.organizationId, taskId: f.taskId, assigneeId: w.session.user.id }) },
    'tasks.archive': { minRole: 'member', call: (f, w) => w.api.tasks.archive({ organizationId: f.organizationId, taskId: f.taskId }) },
    'tasks.label': { minRole: 'member', call: (f, w) => w.api.tasks.label({ organizationId: f.organizationId, taskId: f.taskId, labels: ['outsider'] }) },
    'tasks.restore': { minRole: 'member', call: (f, w) => w.api.tasks.restore({ organizationId: f.organizationId, taskId: f.taskId }) },
    'activity.list': { minRole: 'member', call: (f, w) => w.api.activity.list({ organizationId: f.organizationId }) },
    'organizations.invite': {
      minRole: 'admin',
      call: (f, w) => w.api.organizations.invite({ organizationId: f.organizationId, email: 'newcomer@example.com', role: 'member' }),
    },
    'organizations.revokeInvitation': {
      minRole: 'admin',
      call: (f, w) => w.api.organizations.revokeInvitation({ organizationId: f.organizationId, invitationId: randomUUID() }),
    },
    'organizations.invitations': { minRole: 'admin', call: (f, w) => w.api.organizations.invitations({ organizationId: f.organizationId }) },
    'catalogue.events': { minRole: 'admin', call: (f, w) => w.api.catalogue.events({ organizationId: f.organizationId }) },
  };
  /** Procedures that are not scoped to an organization, and why that is safe. */
  const unscoped: Record<string, string> = {
    'system.ping': 'public clock',
    'system.viewer': 'the caller’s own identity',
    'system.live': 'heartbeat only, no data',
    'organizations.mine': 'filtered by the caller’s own memberships',
    'organizations.resolve': 'finds only an organization the caller is a member of; NOT_FOUND to others by slug and by id (tested below)',
    'organizations.create': 'creates a new organization owned by the caller',
    'organizations.invitation': 'authorized by the invitation’s secret token; a wrong token is NOT_FOUND',
    'organizations.acceptInvitation': 'the caller is not a member yet; authorized by the invitation’s secret token (tested below)',
    'operations.access': 'answers only whether the caller is an operator',
    'account.get': 'the caller’s own profile',
    'account.rename': 'renames the caller themself (their own account aggregate)',
    'account.signOutEverywhere': 'ends the caller’s own sessions',
    'account.delete': 'deletes the caller’s own account; the organizations it leaves are checked on their write side (account.test.ts)',
    'operations.status': 'operators only; the read side of the whole app (partitions, projectors, workers), NOT_FOUND to others (operations-access.test.ts)',
    'operations.deadLetters': 'operators only; parked events of every organization, to repair them; NOT_FOUND to others (operations-access.test.ts)',
    'operations.retry': 'operators only; re-applies parked events to a read model, appends nothing; NOT_FOUND to others (operations-access.test.ts)',
    'operations.skip': 'operators only; drops one parked event from a read model, appends nothing; NOT_FOUND to others (operations-access.test.ts)',
    'operations.rebuilds': 'operators only (anyone else gets NOT_FOUND, test/integration/rebuild-app.test.ts); read models span every organization',
    'operations.rebuild': 'operators only (anyone else gets NOT_FOUND, test/integration/rebuild-app.test.ts); rebuilds a read model of every organization',
    'mailbox.list': 'only mails addressed to the caller’s own email, and only with the development sign-in on',
  };

  it('the table covers every procedure of the router', () => {
    // At runtime the router's procedure record is flat, keyed by full path ('tasks.create'); its type describes the nested tree.
    const procedures = appRouter._def.procedures as unknown as Record<string, AnyProcedure>;
    const listed = [...Object.keys(cases), ...Object.keys(unscoped)];
    const fixture = { organizationId: 'f.organizationId', projectId: 'f.projectId', taskId: 'f.taskId', userId: 'f.member.session.user.id' };
    const input = (path: string) => {
      const procedure = procedures[path];
      return (procedure && sampleInput(procedure, fixture)) ?? '';
    };
    expectRegistered({
      what: 'procedure',
      missing: Object.keys(procedures).filter((path) => !listed.includes(path)),
      file: 'test/integration/organizations.test.ts (G11)',
      table: 'cases',
      line: (path) => `'${path}': { minRole: 'member', call: (f, w) => w.api.${path}(${input(path)}) },`,
      note: "Use minRole: 'admin' where members may not call it, and check the input: the call must reach the organization check.",
      or: { table: 'unscoped', when: 'if it takes no organization', line: (path) => `'${path}': 'why it is safe without an organization',` },
    });
    expect(listed.filter((path) => !(path in procedures)), 'these are listed but no longer in the router: remove them').toEqual([]);
  });

  for (const [name, { minRole, call }] of Object.entries(cases)) {
    it(`${name}: outsiders get NOT_FOUND${minRole === 'admin' ? ', members get FORBIDDEN' : ''}; nothing changes`, async () => {
      const f = await team();
      const snapshot = async () => ({
        members: await f.owner.api.organizations.members({ organizationId: f.organizationId }),
        name: (await f.owner.api.organizations.get({ organizationId: f.organizationId })).name,
        projects: await f.owner.api.tasks.projects({ organizationId: f.organizationId }),
        board: await f.owner.api.tasks.board({ organizationId: f.organizationId, projectId: f.projectId }),
        dashboard: await f.owner.api.tasks.dashboard({ organizationId: f.organizationId }),
      });
      const before = await snapshot();
      expect(await codeOf(call(f, f.outsider))).toBe('NOT_FOUND');
      if (minRole === 'admin') expect(await codeOf(call(f, f.member))).toBe('FORBIDDEN');
      expect(await snapshot()).toEqual(before);
    });
  }

  it('organizations.resolve finds an organization by slug or id for its members, the moment it is created; outsiders get NOT_FOUND either way', async () => {
    const f = await team();
    const found = { id: f.organizationId, slug: f.slug, name: 'Acme' };
    await expect(f.member.api.organizations.resolve({ slugOrId: f.slug })).resolves.toEqual({ ...found, role: 'member' });
    await expect(f.admin.api.organizations.resolve({ slugOrId: f.organizationId })).resolves.toEqual({ ...found, role: 'admin' });
    expect(await codeOf(f.outsider.api.organizations.resolve({ slugOrId: f.slug }))).toBe('NOT_FOUND');
    expect(await codeOf(f.outsider.api.organizations.resolve({ slugOrId: f.organizationId }))).toBe('NOT_FOUND');
    expect(await codeOf(f.owner.api.organizations.resolve({ slugOrId: slug('nobody') }))).toBe('NOT_FOUND');
    // Found from the write side: no read model has to have seen it yet.
    const s = slug('fresh');
    const created = await f.outsider.api.organizations.create({ name: 'Fresh', slug: s });
    await expect(f.outsider.api.organizations.resolve({ slugOrId: s })).resolves.toEqual({ id: created.id, slug: s, name: 'Fresh', role: 'owner' });
  });

  it('organizations.acceptInvitation with a wrong token, or for another organization, fails and writes nothing', async () => {
    const f = await team();
    const other = await team();
    const { invitationId, url } = await f.owner.api.organizations.invite({ organizationId: f.organizationId, email: 'newcomer@example.com', role: 'admin' });
    const token = new URL(url, 'http://app.test').searchParams.get('token') ?? '';
    const { getRedis: redis, keys } = await import('~/server/redis');
    const { partitionOf } = await import('~/server/redis/keys');
    const { env } = await import('~/env');
    const lengths = async () => Promise.all([f, other].map((t) => redis().xLen(keys.stream(partitionOf(t.organizationId, env.EVENT_PARTITIONS)))));
    const before = await lengths();

    const attempts = [
      { organizationId: f.organizationId, invitationId, token: `${token}x` },
      { organizationId: f.organizationId, invitationId, token: token.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) },
      { organizationId: other.organizationId, invitationId, token },
      { organizationId: randomUUID(), invitationId, token },
    ];
    for (const input of attempts) expect(await codeOf(f.outsider.api.organizations.acceptInvitation(input))).toBe('NOT_FOUND');
    expect(await lengths()).toEqual(before);
    await expect(f.outsider.api.organizations.mine()).resolves.toEqual([]);
    expect((await other.owner.api.organizations.members({ organizationId: other.organizationId })).map((m) => m.userId)).not.toContain(
      f.outsider.session.user.id,
    );
  });

  it('organizations.mine never lists another tenant', async () => {
    const f = await team();
    await expect(f.outsider.api.organizations.mine()).resolves.toEqual([]);
  });

  it('ids from another organization are not found, even for a member of both', async () => {
    const a = await team();
    const b = await team();
    // a.owner creates an organization of their own and tries b's task and project through it.
    const own = await a.owner.api.organizations.create({ name: 'Own', slug: slug('own') });
    expect(await codeOf(a.owner.api.tasks.board({ organizationId: own.id, projectId: b.projectId }))).toBe('NOT_FOUND');
    expect(await codeOf(a.owner.api.tasks.edit({ organizationId: own.id, taskId: b.taskId, title: 'x', description: '' }))).toBe('NOT_FOUND');
    expect(await codeOf(a.owner.api.tasks.create({ organizationId: own.id, projectId: b.projectId, title: 'x', placement: { status: 'todo', after: null, before: null } }))).toBe('NOT_FOUND');
  });
});

/** In-process, a tracked() value arrives as its [id, data] envelope; over SSE as { id, data }. */
function idOf(value: { id: string } | readonly unknown[]): string {
  // Array.isArray does not narrow a readonly tuple away, so the object branch is named by hand.
  return Array.isArray(value) ? String(value[0]) : (value as { id: string }).id;
}

describe('G9 live and resumable change notices', () => {
  it('a subscription dropped mid-stream resumes from lastEventId with no gap and no duplicate', { timeout: 30_000 }, async () => {
    const { organizationId, owner, member } = await team();
    const received: string[] = [];
    const rename = async (i: number) => owner.api.organizations.rename({ organizationId, name: `Acme ${i}` });

    // First connection: take three notices, then drop.
    const first = await member.api.organizations.changes({ organizationId, lastEventId: null });
    const renames = (async () => {
      for (let i = 1; i <= 6; i++) await rename(i);
    })();
    for await (const notice of first) {
      received.push(idOf(notice));
      if (received.length === 3) break; // the connection drops here
    }
    await renames;

    // Reconnect with the last id seen: the missed notices come first, then live ones.
    const second = await member.api.organizations.changes({ organizationId, lastEventId: received.at(-1) });
    const more = (async () => {
      for (let i = 7; i <= 8; i++) await rename(i);
    })();
    for await (const notice of second) {
      received.push(idOf(notice));
      if (received.length === 8) break;
    }
    await more;

    const { getRedis: redis, keys } = await import('~/server/redis');
    const all = ((await redis().xRange(keys.changes(organizationId), '-', '+')) ?? []).map((e) => e.id);
    // The received ids are one unbroken run of the stream: nothing skipped across the reconnect, nothing twice.
    const start = all.indexOf(received[0] ?? '');
    expect(start).toBeGreaterThanOrEqual(0);
    expect(received).toEqual(all.slice(start, start + received.length));
    expect(new Set(received).size).toBe(8);
  });

  it('a member removed while subscribed is cut off at the removal, not at the next periodic check', async () => {
    const { organizationId, owner, member } = await team();
    const stream = await member.api.organizations.changes({ organizationId, lastEventId: null });
    const seen: string[] = [];
    const ended = codeOf(
      (async () => {
        for await (const notice of stream) seen.push(idOf(notice));
      })(),
    );
    await owner.api.organizations.removeMember({ organizationId, userId: member.session.user.id });
    // The removal's directory notice ends the stream with the outsider's answer.
    expect(await ended).toBe('NOT_FOUND');
    const { getRedis: redis, keys } = await import('~/server/redis');
    const directoryNotices = ((await redis().xRange(keys.changes(organizationId), '-', '+')) ?? []).filter((e) => e.message.projector === 'directory');
    // The removal's own directory notice was not delivered to the removed member.
    expect(seen).not.toContain(directoryNotices.at(-1)?.id);
  });
});
