import { randomUUID } from 'node:crypto';
import { asc, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { utcDay } from '~/lib/days';
import { createCaller } from '~/server/app/router';
import { createContextInner } from '~/server/app/context';
import type { Session } from '~/server/auth';
import { db } from '~/server/db';
import { catalogue } from '~/server/app/catalogue';
import {
  mostActiveOf,
  completedPerDayOf,
  dashboardActivity,
  dashboardCompletions,
  dashboardProjector,
  dashboardStatusCounts,
  dashboardTasks,
  dashboardVersions,
} from '~/server/modules/tasks/read-models/dashboard';
import type { Tx } from '~/server/projectors/define-projector';
import { replayArchive } from '~/server/projectors/replay';
import { catchUpAll } from '~/server/app/projectors';
import { getRedis } from '~/server/redis';
import { addMembers } from '../support/members';

afterAll(async () => {
  getRedis().destroy();
  await db.$client.end({ timeout: 5 });
});

function as(name: string) {
  const session: Session = {
    user: { id: `${name}-${randomUUID().slice(0, 6)}`, email: `${name}-${randomUUID().slice(0, 6)}@example.com`, name },
    expires: new Date(Date.now() + 3_600_000).toISOString(),
  };
  return { session, api: createCaller(createContextInner({ session })) };
}
type User = ReturnType<typeof as>;

const DAY_MS = 86_400_000;
const shift = (days: number) => utcDay(new Date(Date.now() + days * DAY_MS));

/** An organization owned by `owner` with `others` as members (added by the owner: one event each), and one project. */
async function organization(owner: User, others: User[] = []) {
  const { id: organizationId } = await owner.api.organizations.create({ name: 'Acme', slug: `acme-${randomUUID().slice(0, 8)}` });
  if (others.length > 0) {
    const members = others.map((u) => ({ userId: u.session.user.id, email: u.session.user.email }));
    expect((await addMembers(organizationId, owner.session.user.id, members)).settled).toBe(true);
  }
  const project = await owner.api.tasks.createProject({ organizationId, name: 'Launch' });
  const add = (who: User, title: string, status: 'todo' | 'doing' | 'done') =>
    who.api.tasks.create({ organizationId, projectId: project.id, title, placement: { status, after: null, before: null } });
  const move = (who: User, taskId: string, status: 'todo' | 'doing' | 'done') =>
    who.api.tasks.move({ organizationId, taskId, placement: { status, after: null, before: null } });
  return { organizationId, add, move };
}

/** Every dashboard table, in a fixed order. */
async function dashboardTables(tx: Tx) {
  return {
    versions: await tx.select().from(dashboardVersions).orderBy(asc(dashboardVersions.organizationId), asc(dashboardVersions.aggregateId)),
    tasks: await tx.select().from(dashboardTasks).orderBy(asc(dashboardTasks.taskId)),
    counts: await tx.select().from(dashboardStatusCounts).orderBy(asc(dashboardStatusCounts.organizationId), asc(dashboardStatusCounts.status)),
    completions: await tx.select().from(dashboardCompletions).orderBy(asc(dashboardCompletions.organizationId), asc(dashboardCompletions.day)),
    activity: await tx
      .select()
      .from(dashboardActivity)
      .orderBy(asc(dashboardActivity.organizationId), asc(dashboardActivity.day), asc(dashboardActivity.actorId)),
  };
}

describe('dashboard', () => {
  it('counts live tasks per column, completions per day (every entry into done) and activity per member', async () => {
    const ada = as('ada');
    const bob = as('bob');
    const o = await organization(ada, [bob]); // ada: organization.created, member.added ×2, project.created
    const a = await o.add(ada, 'A', 'todo');
    const b = await o.add(ada, 'B', 'todo');
    await o.add(ada, 'C', 'doing');
    const d = await o.add(ada, 'D', 'done'); // completed on creation
    await o.add(bob, 'E', 'todo');
    await o.move(bob, a.id, 'done');
    await o.move(bob, b.id, 'done');
    await o.move(bob, b.id, 'doing');
    await o.move(bob, b.id, 'done'); // completed again
    await ada.api.tasks.archive({ organizationId: o.organizationId, taskId: d.id }); // leaves the count, not the completions

    const today = utcDay(new Date());
    const dashboard = await ada.api.tasks.dashboard({ organizationId: o.organizationId });
    expect(dashboard.counts).toEqual({ todo: 1, doing: 1, done: 2 });
    expect(dashboard.completedPerDay).toHaveLength(14);
    expect(dashboard.completedPerDay.at(-1)).toEqual({ day: today, count: 4 });
    expect(dashboard.completedPerDay.slice(0, -1).every((d) => d.count === 0)).toBe(true);
    expect(dashboard.completedPerDay[0]?.day).toBe(shift(-13));
    expect(dashboard.mostActive).toEqual([
      { userId: ada.session.user.id, email: ada.session.user.email, events: 9 },
      { userId: bob.session.user.id, email: bob.session.user.email, events: 5 },
    ]);

    // Restoring puts the task back in its column; moving within a column changes nothing but activity.
    await ada.api.tasks.restore({ organizationId: o.organizationId, taskId: d.id });
    await o.move(bob, a.id, 'done');
    const after = await bob.api.tasks.dashboard({ organizationId: o.organizationId });
    expect(after.counts).toEqual({ todo: 1, doing: 1, done: 3 });
    expect(after.completedPerDay.at(-1)).toEqual({ day: today, count: 4 });
    expect(after.mostActive.map((m) => m.events)).toEqual([10, 6]);
  });

  it('the window is the 14 days ending with the given day', async () => {
    const ada = as('ada');
    const o = await organization(ada);
    await o.add(ada, 'Shipped', 'done');

    const seenTomorrow = await completedPerDayOf(db, o.organizationId, shift(1));
    expect(seenTomorrow.slice(-2)).toEqual([{ day: shift(0), count: 1 }, { day: shift(1), count: 0 }]);
    expect(await mostActiveOf(db, o.organizationId, shift(13))).toEqual([{ actorId: ada.session.user.id, events: 4 }]);

    const twoWeeksLater = await completedPerDayOf(db, o.organizationId, shift(14));
    expect(twoWeeksLater.map((d) => d.count)).toEqual(Array.from({ length: 14 }, () => 0));
    expect(twoWeeksLater[0]?.day).toBe(shift(1));
    expect(await mostActiveOf(db, o.organizationId, shift(14))).toEqual([]);
    expect(await mostActiveOf(db, o.organizationId, shift(-1))).toEqual([]);
  });

  it('most active: the top five current members, most events first; someone who left drops off', async () => {
    const owner = as('owner');
    const crew = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6'].map(as);
    const o = await organization(owner, crew); // owner: 2 + 6 member.added + project.created = 9 events
    for (const [i, user] of crew.entries()) {
      for (let n = 0; n <= i; n++) await o.add(user, `${i}-${n}`, 'todo'); // m1: 1 event … m6: 6 events
    }
    const top = (await owner.api.tasks.dashboard({ organizationId: o.organizationId })).mostActive;
    expect(top.map((m) => [m.userId, m.events])).toEqual([
      [owner.session.user.id, 9],
      ...crew.slice(2).reverse().map((u, i) => [u.session.user.id, 6 - i]),
    ]);

    const [, , , , , m6] = crew;
    if (!m6) throw new Error('six members expected');
    await m6.api.organizations.leave({ organizationId: o.organizationId });
    const afterLeaving = (await owner.api.tasks.dashboard({ organizationId: o.organizationId })).mostActive;
    expect(afterLeaving.map((m) => m.userId)).not.toContain(m6.session.user.id);
    expect(afterLeaving.map((m) => m.events)).toEqual([9, 5, 4, 3, 2]);
  });

  it('outsiders cannot read it', async () => {
    const o = await organization(as('ada'));
    await expect(as('eve').api.tasks.dashboard({ organizationId: o.organizationId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a rebuild from the archive gives the same tables as the live projector', async () => {
    const ada = as('ada');
    const o = await organization(ada);
    const t = await o.add(ada, 'Rebuild me', 'todo');
    await o.move(ada, t.id, 'done');
    await o.move(ada, t.id, 'todo');
    await o.move(ada, t.id, 'done');
    await ada.api.tasks.archive({ organizationId: o.organizationId, taskId: t.id });
    // The archive is not a read model a command waits for: let it catch up before rebuilding from it.
    await catchUpAll();

    type Snapshot = Awaited<ReturnType<typeof dashboardTables>>;
    /** Thrown to roll the rebuild back, carrying what it saw out of the transaction. */
    class Rollback extends Error {
      constructor(readonly result: { live: Snapshot; rebuilt: Snapshot; replayed: number; failed: Array<{ eventId: string; error: string }> }) {
        super('rollback');
      }
    }
    const outcome = await db
      .transaction(async (tx) => {
        const live = await dashboardTables(tx);
        await tx.execute(sql`truncate ${dashboardVersions}, ${dashboardTasks}, ${dashboardStatusCounts}, ${dashboardCompletions}, ${dashboardActivity}`);
        expect((await dashboardTables(tx)).versions).toEqual([]);
        const { replayed, failed } = await replayArchive({ tx, catalogue, projector: dashboardProjector });
        const rebuilt = await dashboardTables(tx);
        throw new Rollback({ live, rebuilt, replayed, failed });
      })
      .catch((error: unknown) => {
        if (!(error instanceof Rollback)) throw error;
        return error.result;
      });
    expect(outcome.failed).toEqual([]);
    expect(outcome.replayed).toBeGreaterThan(0);
    expect(outcome.live.tasks).toContainEqual({ taskId: t.id, organizationId: o.organizationId, status: 'done', archived: true });
    expect(outcome.rebuilt).toEqual(outcome.live);
  });
});
