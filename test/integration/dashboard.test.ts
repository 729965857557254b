import { asc, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { utcDay } from '~/lib/days';
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
import { as, closeAppClientsAfterAll } from '../support/callers';
import { boardWithTasks } from '../support/fixtures';

closeAppClientsAfterAll();

/** A user whose email no other test's has. */
const user = (name: string) => as(name, { uniqueEmail: true });

const DAY_MS = 86_400_000;
const shift = (days: number) => utcDay(new Date(Date.now() + days * DAY_MS));

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
    const ada = user('ada');
    const bob = user('bob');
    const o = await boardWithTasks({ owner: ada, members: [bob] }); // ada: organization.created, member.added ×2, project.created
    const a = await o.add('A', 'todo', ada);
    const b = await o.add('B', 'todo', ada);
    await o.add('C', 'doing', ada);
    const d = await o.add('D', 'done', ada); // completed on creation
    await o.add('E', 'todo', bob);
    await o.move(a.id, 'done', bob);
    await o.move(b.id, 'done', bob);
    await o.move(b.id, 'doing', bob);
    await o.move(b.id, 'done', bob); // completed again
    await ada.api.tasks.archive({ organizationId: o.organizationId, taskId: d.id }); // leaves the count, not the completions

    const today = utcDay(new Date());
    const dashboard = await ada.api.tasks.dashboard({ organizationId: o.organizationId });
    expect(dashboard.counts).toEqual({ todo: 1, doing: 1, done: 2 });
    expect(dashboard.completedPerDay).toHaveLength(14);
    expect(dashboard.completedPerDay.at(-1)).toEqual({ day: today, count: 4 });
    expect(dashboard.completedPerDay.slice(0, -1).every((d) => d.count === 0)).toBe(true);
    expect(dashboard.completedPerDay[0]?.day).toBe(shift(-13));
    expect(dashboard.mostActive).toEqual([
      { userId: ada.session.user.id, email: ada.session.user.email, name: ada.session.user.email, events: 9 },
      { userId: bob.session.user.id, email: bob.session.user.email, name: bob.session.user.email, events: 5 },
    ]);

    // Restoring puts the task back in its column; moving within a column changes nothing but activity.
    await ada.api.tasks.restore({ organizationId: o.organizationId, taskId: d.id });
    await o.move(a.id, 'done', bob);
    const after = await bob.api.tasks.dashboard({ organizationId: o.organizationId });
    expect(after.counts).toEqual({ todo: 1, doing: 1, done: 3 });
    expect(after.completedPerDay.at(-1)).toEqual({ day: today, count: 4 });
    expect(after.mostActive.map((m) => m.events)).toEqual([10, 6]);
  });

  it('the window is the 14 days ending with the given day', async () => {
    const ada = user('ada');
    const o = await boardWithTasks({ owner: ada });
    await o.add('Shipped', 'done', ada);

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
    const owner = user('owner');
    const crew = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6'].map((name) => user(name));
    const o = await boardWithTasks({ owner: owner, members: crew }); // owner: 2 + 6 member.added + project.created = 9 events
    for (const [i, user] of crew.entries()) {
      for (let n = 0; n <= i; n++) await o.add(`${i}-${n}`, 'todo', user); // m1: 1 event … m6: 6 events
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
    const o = await boardWithTasks({ owner: user('ada') });
    await expect(user('eve').api.tasks.dashboard({ organizationId: o.organizationId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a rebuild from the archive gives the same tables as the live projector', async () => {
    const ada = user('ada');
    const o = await boardWithTasks({ owner: ada });
    const t = await o.add('Rebuild me', 'todo', ada);
    await o.move(t.id, 'done', ada);
    await o.move(t.id, 'todo', ada);
    await o.move(t.id, 'done', ada);
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
