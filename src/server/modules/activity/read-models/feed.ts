/**
 * The activity feed read model: who did what and when, per organization and
 * per task, newest first. A second read model over the same events as the
 * directory and the board; it keeps its own small table of task titles so an
 * entry can name the task it is about without reading another read model.
 */
import { and, desc, eq, lt, or } from 'drizzle-orm';
import { index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { STATUS_LABELS } from '~/lib/labels';
import type { Db } from '~/server/db/client';
import type { StoredEvent } from '~/server/events/envelope';
import { subjects } from '~/server/events/personal';
import { userForgotten } from '~/server/modules/account/events';
import {
  invitationCreated,
  invitationRevoked,
  memberAdded,
  memberRemoved,
  memberRoleChanged,
  organizationCreated,
  organizationRenamed,
} from '~/server/modules/organizations/events';
import { projectCreated, projectRenamed, taskArchived, taskAssigned, taskCreated, taskEdited, taskLabeled, taskMoved, taskRestored } from '~/server/modules/tasks/events';
import { defineRowProjector, type RowsOf } from '~/server/projectors/define-projector';
import { erasableRows } from '~/server/projectors/erasable-rows';
import { aggregateRows } from '~/server/projectors/rows';

export const activity = pgTable(
  'activity',
  {
    eventId: text('event_id').primaryKey(),
    organizationId: text('organization_id').notNull(),
    taskId: text('task_id'),
    actorId: text('actor_id').notNull(),
    /** What happened, in words, without the actor: "moved “Ship it” to Done". */
    summary: text('summary').notNull(),
    /** Whose personal data the summary quotes (an invitee's email), and the value quoted: erased when they are forgotten. */
    subject: text('subject'),
    personal: text('personal'),
    occurredAt: timestamp('occurred_at', { mode: 'date', withTimezone: true }).notNull(),
  },
  (t) => [index('activity_org_time').on(t.organizationId, t.occurredAt), index('activity_task_time').on(t.taskId, t.occurredAt)],
);

export const activityTaskTitles = pgTable('activity_task_titles', {
  taskId: text('task_id').primaryKey(),
  title: text('title').notNull(),
});

const feedRows = { feed: erasableRows(activity, { subject: 'subject', personal: 'personal', text: 'summary' }), titles: aggregateRows(activityTaskTitles, 'taskId') };
type Rows = RowsOf<typeof feedRows>;

function record(rows: Rows, event: StoredEvent, summary: string, taskId: string | null = null, quotes: { subject: string; personal: string } | null = null) {
  const { subject = null, personal = null } = quotes ?? {};
  rows.feed.add({ eventId: event.id, organizationId: event.organizationId, taskId, actorId: event.actorId, summary, subject, personal, occurredAt: event.occurredAt });
}

const titleOf = (rows: Rows, taskId: string) => rows.titles.get(taskId)?.title ?? 'a task';

/** An entry about the event's task, naming it by its title as of that event. */
const aboutTask = (rows: Rows, e: StoredEvent, summary: (title: string) => string) => record(rows, e, summary(titleOf(rows, e.aggregateId)), e.aggregateId);

export const activityProjector = defineRowProjector({
  name: 'activity',
  // Not invitation.accepted: it is appended with `member.added`, which says it.
  events: [
    organizationCreated,
    organizationRenamed,
    memberAdded,
    memberRoleChanged,
    memberRemoved,
    invitationCreated,
    invitationRevoked,
    projectCreated,
    projectRenamed,
    taskCreated,
    taskEdited,
    taskMoved,
    taskAssigned,
    taskArchived,
    taskRestored,
    taskLabeled,
    userForgotten,
  ],
  rows: feedRows,
  handlers: {
    'organization.created': (e, rows) => record(rows, e, `created the organization “${e.data.name}”`),
    'organization.renamed': (e, rows) => record(rows, e, `renamed the organization to “${e.data.name}”`),
    // Always the member themself: the creator, or someone accepting an invitation.
    'member.added': (e, rows) => record(rows, e, `joined as ${e.data.role}`),
    'member.role-changed': (e, rows) => record(rows, e, `changed a member's role to ${e.data.role}`),
    'member.removed': (e, rows) => record(rows, e, e.data.left ? 'left the organization' : 'removed a member'),
    'invitation.created': (e, rows) => record(rows, e, `invited ${e.data.email} as ${e.data.role}`, null, { subject: subjects.email(e.data.email), personal: e.data.email }),
    'invitation.revoked': (e, rows) => record(rows, e, 'revoked an invitation'),
    'project.created': (e, rows) => record(rows, e, `created the project “${e.data.name}”`),
    'project.renamed': (e, rows) => record(rows, e, `renamed a project to “${e.data.name}”`),
    'task.created': (e, rows) => {
      rows.titles.insert({ taskId: e.aggregateId, title: e.data.title });
      record(rows, e, `created “${e.data.title}” in ${STATUS_LABELS[e.data.status]}`, e.aggregateId);
    },
    'task.edited': (e, rows) => {
      const before = titleOf(rows, e.aggregateId);
      rows.titles.update(e.aggregateId, { title: e.data.title });
      record(rows, e, before === e.data.title ? `edited “${e.data.title}”` : `renamed “${before}” to “${e.data.title}”`, e.aggregateId);
    },
    'task.moved': (e, rows) => aboutTask(rows, e, (title) => `moved “${title}” to ${STATUS_LABELS[e.data.status]}`),
    'task.assigned': (e, rows) => aboutTask(rows, e, (title) => (e.data.assigneeId ? `assigned “${title}”` : `unassigned “${title}”`)),
    'task.archived': (e, rows) => aboutTask(rows, e, (title) => `archived “${title}”`),
    'task.restored': (e, rows) => aboutTask(rows, e, (title) => `restored “${title}”`),
    'task.labeled': (e, rows) =>
      aboutTask(rows, e, (title) => (e.data.labels.length > 0 ? `labeled “${title}” ${e.data.labels.join(', ')}` : `removed the labels of “${title}”`)),
    'user.forgotten': (e, rows) => {
      for (const subject of e.data.subjects) rows.feed.erase(subject);
    },
  },
});

export interface ActivityCursor {
  occurredAt: Date;
  eventId: string;
}

/** A page of the feed, newest first, after `cursor`; optionally only one task's entries. */
export async function activityOf(db: Db, organizationId: string, opts: { taskId?: string; cursor?: ActivityCursor; limit: number }) {
  const rows = await db
    .select()
    .from(activity)
    .where(
      and(
        eq(activity.organizationId, organizationId),
        opts.taskId ? eq(activity.taskId, opts.taskId) : undefined,
        opts.cursor
          ? or(lt(activity.occurredAt, opts.cursor.occurredAt), and(eq(activity.occurredAt, opts.cursor.occurredAt), lt(activity.eventId, opts.cursor.eventId)))
          : undefined,
      ),
    )
    .orderBy(desc(activity.occurredAt), desc(activity.eventId))
    .limit(opts.limit + 1);
  const page = rows.slice(0, opts.limit);
  const last = page.at(-1);
  return { items: page, next: rows.length > opts.limit && last ? { occurredAt: last.occurredAt, eventId: last.eventId } : null };
}
