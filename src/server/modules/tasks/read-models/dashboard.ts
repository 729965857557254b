/**
 * The dashboard read model: per organization, how many live tasks sit in each
 * column, how many tasks were completed per day, and who has been most active.
 * It is built from the same events as the board but keeps every table of its
 * own, so it can be dropped and rebuilt from the archive on its own.
 *
 * Rules (change them here, then rebuild):
 * - Counts are of live tasks: archiving a task takes it out of its column's
 *   count, restoring puts it back.
 * - A task is completed on the UTC day (`occurredAt`) it enters `done`: when
 *   created there, or moved there from another column. Every entry counts, so
 *   a task moved out of `done` and back is completed again that day; moves
 *   within `done`, archiving and restoring never count. Completions stay
 *   counted when the task is later archived.
 * - Activity is every event of the organization, counted for its actor per
 *   UTC day; "most active" sums the last 14 days (today included) and lists
 *   current members only (someone who left drops off the list).
 *
 * Idempotency: the runtime applies each event once, in order. Every handler
 * also advances the aggregate's version in `dashboard_versions` and does
 * nothing when the event is not newer than the last one applied, a second
 * guard for replays into live tables (a newer-than check, so the events this
 * model does not read never leave it waiting for a version).
 *
 * A row projector (see ~/server/projectors/rows.ts): handlers change rows in
 * memory and the runtime writes a batch's changes in one statement per table.
 */
import { and, asc, between, desc, eq, sql } from 'drizzle-orm';
import { boolean, date, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { fillDays, lastDays, utcDay } from '~/lib/days';
import type { Db } from '~/server/db/client';
import { organizationEvents } from '~/server/modules/organizations/events';
import { membersOf } from '~/server/modules/organizations/read-models/directory';
import { defineRowProjector, type RowsOf } from '~/server/projectors/define-projector';
import { aggregateRows, counterRows } from '~/server/projectors/rows';
import { projectEvents, STATUSES, taskEvents, type Status } from '../events';
import { personName } from '~/lib/people';

/** Days shown in the throughput chart and summed for "most active". */
export const DASHBOARD_DAYS = 14;
export const MOST_ACTIVE = 5;

/** The last applied version of each aggregate: the version guard of every handler. */
export const dashboardVersions = pgTable(
  'dashboard_versions',
  {
    organizationId: text('organization_id').notNull(),
    aggregateId: text('aggregate_id').notNull(),
    version: integer('version').notNull(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.aggregateId] })],
);

/** What the projector must remember of each task to move counts correctly. */
export const dashboardTasks = pgTable('dashboard_tasks', {
  taskId: text('task_id').primaryKey(),
  organizationId: text('organization_id').notNull(),
  status: text('status', { enum: STATUSES }).notNull(),
  archived: boolean('archived').notNull(),
});

export const dashboardStatusCounts = pgTable(
  'dashboard_status_counts',
  {
    organizationId: text('organization_id').notNull(),
    status: text('status', { enum: STATUSES }).notNull(),
    count: integer('count').notNull(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.status] })],
);

export const dashboardCompletions = pgTable(
  'dashboard_completions',
  {
    organizationId: text('organization_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    count: integer('count').notNull(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.day] })],
);

export const dashboardActivity = pgTable(
  'dashboard_activity',
  {
    organizationId: text('organization_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    actorId: text('actor_id').notNull(),
    events: integer('events').notNull(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.day, t.actorId] })],
);

const dashboardRows = {
  versions: aggregateRows(dashboardVersions, 'aggregateId'),
  tasks: aggregateRows(dashboardTasks, 'taskId'),
  statusCounts: counterRows(dashboardStatusCounts, 'count'),
  completions: counterRows(dashboardCompletions, 'count'),
  activity: counterRows(dashboardActivity, 'events'),
};
type Rows = RowsOf<typeof dashboardRows>;

interface Envelope {
  organizationId: string;
  aggregateId: string;
  aggregateVersion: number;
  actorId: string;
  occurredAt: Date;
}

/**
 * Every handler: guard on the version (a repeat changes nothing), count the
 * event for its actor, then apply the type's own change (if any).
 */
function counted<E extends Envelope>(apply?: (e: E, rows: Rows) => void): (e: E, rows: Rows) => void {
  return (e, rows) => {
    const last = rows.versions.get(e.aggregateId);
    if (last && last.version >= e.aggregateVersion) return;
    rows.versions.put({ organizationId: e.organizationId, aggregateId: e.aggregateId, version: e.aggregateVersion });
    rows.activity.add({ organizationId: e.organizationId, day: utcDay(e.occurredAt), actorId: e.actorId }, 1);
    apply?.(e, rows);
  };
}

const completed = (rows: Rows, e: Envelope) => rows.completions.add({ organizationId: e.organizationId, day: utcDay(e.occurredAt) }, 1);

export const dashboardProjector = defineRowProjector({
  name: 'dashboard',
  // Every event counts towards "most active".
  events: [...organizationEvents, ...projectEvents, ...taskEvents],
  rows: dashboardRows,
  handlers: {
    'organization.created': counted(),
    'organization.renamed': counted(),
    'member.added': counted(),
    'member.role-changed': counted(),
    'member.removed': counted(),
    'invitation.created': counted(),
    'invitation.revoked': counted(),
    'invitation.accepted': counted(),
    'project.created': counted(),
    'project.renamed': counted(),
    'task.created': counted((e, rows) => {
      if (rows.tasks.get(e.aggregateId)) return;
      rows.tasks.insert({ taskId: e.aggregateId, organizationId: e.organizationId, status: e.data.status, archived: false });
      rows.statusCounts.add({ organizationId: e.organizationId, status: e.data.status }, 1);
      if (e.data.status === 'done') completed(rows, e);
    }),
    'task.edited': counted(),
    'task.moved': counted((e, rows) => {
      const task = rows.tasks.get(e.aggregateId);
      if (!task || task.status === e.data.status) return; // a move within the column
      rows.tasks.update(task.taskId, { status: e.data.status });
      if (!task.archived) {
        rows.statusCounts.add({ organizationId: e.organizationId, status: task.status }, -1);
        rows.statusCounts.add({ organizationId: e.organizationId, status: e.data.status }, 1);
      }
      if (e.data.status === 'done') completed(rows, e);
    }),
    'task.assigned': counted(),
    'task.labeled': counted(),
    'task.archived': counted((e, rows) => {
      const task = rows.tasks.get(e.aggregateId);
      if (!task || task.archived) return;
      rows.tasks.update(task.taskId, { archived: true });
      rows.statusCounts.add({ organizationId: e.organizationId, status: task.status }, -1);
    }),
    'task.restored': counted((e, rows) => {
      const task = rows.tasks.get(e.aggregateId);
      if (!task?.archived) return;
      rows.tasks.update(task.taskId, { archived: false });
      rows.statusCounts.add({ organizationId: e.organizationId, status: task.status }, 1);
    }),
  },
});

// ---- queries (always scoped to the organization; `today` is a UTC day, passed in so tests can fix it)

export async function statusCountsOf(db: Db, organizationId: string): Promise<Record<Status, number>> {
  const rows = await db
    .select({ status: dashboardStatusCounts.status, count: dashboardStatusCounts.count })
    .from(dashboardStatusCounts)
    .where(eq(dashboardStatusCounts.organizationId, organizationId));
  const counts: Record<Status, number> = { todo: 0, doing: 0, done: 0 };
  for (const row of rows) counts[row.status] = row.count;
  return counts;
}

/** Completions on each of the `days` days ending with `today`, oldest first, 0 on quiet days. */
export async function completedPerDayOf(db: Db, organizationId: string, today: string, days = DASHBOARD_DAYS) {
  const window = lastDays(today, days);
  const rows = await db
    .select({ day: dashboardCompletions.day, count: dashboardCompletions.count })
    .from(dashboardCompletions)
    .where(and(eq(dashboardCompletions.organizationId, organizationId), between(dashboardCompletions.day, window[0] ?? today, today)))
    .orderBy(asc(dashboardCompletions.day));
  return fillDays(rows, today, days);
}

/** Events per actor over the `days` days ending with `today`, most first (ties by actor id). */
export async function mostActiveOf(db: Db, organizationId: string, today: string, days = DASHBOARD_DAYS) {
  const events = sql<number>`sum(${dashboardActivity.events})::int`;
  return db
    .select({ actorId: dashboardActivity.actorId, events })
    .from(dashboardActivity)
    .where(
      and(
        eq(dashboardActivity.organizationId, organizationId),
        between(dashboardActivity.day, lastDays(today, days)[0] ?? today, today),
      ),
    )
    .groupBy(dashboardActivity.actorId)
    .orderBy(desc(events), asc(dashboardActivity.actorId));
}

/** The whole dashboard of one organization as of `today`. */
export async function dashboardOf(db: Db, organizationId: string, today: string) {
  const [counts, completedPerDay, activity, members] = await Promise.all([
    statusCountsOf(db, organizationId),
    completedPerDayOf(db, organizationId, today),
    mostActiveOf(db, organizationId, today),
    membersOf(db, organizationId),
  ]);
  const byId = new Map(members.map((m) => [m.userId, m]));
  const mostActive = activity
    .flatMap(({ actorId, events: n }) => {
      const member = byId.get(actorId);
      return member === undefined ? [] : [{ userId: actorId, email: member.email, name: personName(member), events: n }];
    })
    .slice(0, MOST_ACTIVE);
  return { counts, completedPerDay, mostActive };
}
