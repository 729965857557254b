/**
 * The board read model: projects and their tasks with status and order. It
 * answers the board and project queries. Commands never read it: they decide
 * from the write side (../commands.ts), so this table may lag or be rebuilt.
 */
import { and, asc, eq } from 'drizzle-orm';
import { boolean, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { Db } from '~/server/db/client';
import { defineRowProjector } from '~/server/projectors/define-projector';
import { aggregateRows, type AggregateRows } from '~/server/projectors/rows';
import { projectCreated, projectRenamed, taskArchived, taskAssigned, taskCreated, taskEdited, taskLabeled, taskMoved, taskRestored } from '../events';

export const projects = pgTable(
  'projects',
  {
    id: text('id').primaryKey(),
    organizationId: text('organization_id').notNull(),
    name: text('name').notNull(),
    createdAt: timestamp('created_at', { mode: 'date', withTimezone: true }).notNull(),
  },
  (t) => [index('projects_organization').on(t.organizationId)],
);

export const tasks = pgTable(
  'tasks',
  {
    id: text('id').primaryKey(),
    organizationId: text('organization_id').notNull(),
    projectId: text('project_id').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull(),
    status: text('status', { enum: ['todo', 'doing', 'done'] }).notNull(),
    rank: text('rank').notNull(),
    assigneeId: text('assignee_id'),
    archived: boolean('archived').notNull().default(false),
    labels: text('labels').array().notNull().default([]),
    createdAt: timestamp('created_at', { mode: 'date', withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { mode: 'date', withTimezone: true }).notNull(),
  },
  (t) => [index('tasks_board').on(t.organizationId, t.projectId, t.status, t.rank)],
);

type TaskChange = Partial<Pick<typeof tasks.$inferSelect, 'title' | 'description' | 'status' | 'rank' | 'assigneeId' | 'archived' | 'labels'>>;

/** Every change to a task also moves its `updatedAt` to the event's time. */
const changeTask = (rows: AggregateRows<typeof tasks.$inferSelect>, e: { aggregateId: string; occurredAt: Date }, change: TaskChange) =>
  rows.update(e.aggregateId, { ...change, updatedAt: e.occurredAt });

export const boardProjector = defineRowProjector({
  name: 'board',
  events: [projectCreated, projectRenamed, taskCreated, taskEdited, taskMoved, taskAssigned, taskArchived, taskRestored, taskLabeled],
  rows: { projects: aggregateRows(projects, 'id'), tasks: aggregateRows(tasks, 'id') },
  handlers: {
    'project.created': (e, rows) => rows.projects.insert({ id: e.aggregateId, organizationId: e.organizationId, name: e.data.name, createdAt: e.occurredAt }),
    'project.renamed': (e, rows) => rows.projects.update(e.aggregateId, { name: e.data.name }),
    'task.created': (e, rows) =>
      rows.tasks.insert({
        id: e.aggregateId,
        organizationId: e.organizationId,
        projectId: e.data.projectId,
        title: e.data.title,
        description: e.data.description,
        status: e.data.status,
        rank: e.data.rank,
        assigneeId: null,
        archived: false,
        labels: [],
        createdAt: e.occurredAt,
        updatedAt: e.occurredAt,
      }),
    'task.edited': (e, rows) => changeTask(rows.tasks, e, { title: e.data.title, description: e.data.description }),
    'task.moved': (e, rows) => changeTask(rows.tasks, e, { status: e.data.status, rank: e.data.rank }),
    'task.assigned': (e, rows) => changeTask(rows.tasks, e, { assigneeId: e.data.assigneeId }),
    'task.archived': (e, rows) => changeTask(rows.tasks, e, { archived: true }),
    'task.restored': (e, rows) => changeTask(rows.tasks, e, { archived: false }),
    'task.labeled': (e, rows) => changeTask(rows.tasks, e, { labels: e.data.labels }),
  },
});

// ---- queries (always scoped to the organization)

export function projectsOf(db: Db, organizationId: string) {
  return db
    .select({ id: projects.id, name: projects.name })
    .from(projects)
    .where(eq(projects.organizationId, organizationId))
    .orderBy(asc(projects.createdAt));
}

export async function projectOf(db: Db, organizationId: string, projectId: string) {
  const [row] = await db.select().from(projects).where(and(eq(projects.organizationId, organizationId), eq(projects.id, projectId)));
  return row ?? null;
}

export function boardOf(db: Db, organizationId: string, projectId: string, archived = false) {
  return db
    .select({
      id: tasks.id,
      title: tasks.title,
      description: tasks.description,
      status: tasks.status,
      rank: tasks.rank,
      assigneeId: tasks.assigneeId,
      labels: tasks.labels,
      updatedAt: tasks.updatedAt,
    })
    .from(tasks)
    .where(and(eq(tasks.organizationId, organizationId), eq(tasks.projectId, projectId), eq(tasks.archived, archived)))
    .orderBy(asc(tasks.status), asc(tasks.rank));
}
