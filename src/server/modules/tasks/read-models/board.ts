/**
 * The board read model: projects and their tasks with status and order. It
 * answers the board and project queries. Commands never read it: they decide
 * from the write side (../commands.ts), so this table may lag or be rebuilt.
 */
import { and, asc, eq } from 'drizzle-orm';
import { boolean, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { Db } from '~/server/db/client';
import { defineProjector, type Tx } from '~/server/projectors/define-projector';
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

type TaskChange = Partial<Pick<typeof tasks.$inferInsert, 'title' | 'description' | 'status' | 'rank' | 'assigneeId' | 'archived' | 'labels'>>;

async function updateTask(tx: Tx, id: string, at: Date, change: TaskChange) {
  await tx
    .update(tasks)
    .set({ ...change, updatedAt: at })
    .where(eq(tasks.id, id));
}

export const boardProjector = defineProjector({
  name: 'board',
  events: [projectCreated, projectRenamed, taskCreated, taskEdited, taskMoved, taskAssigned, taskArchived, taskRestored, taskLabeled],
  handlers: {
    'project.created': async (e, tx) => {
      await tx
        .insert(projects)
        .values({ id: e.aggregateId, organizationId: e.organizationId, name: e.data.name, createdAt: e.occurredAt })
        .onConflictDoNothing();
    },
    'project.renamed': async (e, tx) => {
      await tx.update(projects).set({ name: e.data.name }).where(eq(projects.id, e.aggregateId));
    },
    'task.created': async (e, tx) => {
      await tx
        .insert(tasks)
        .values({
          id: e.aggregateId,
          organizationId: e.organizationId,
          projectId: e.data.projectId,
          title: e.data.title,
          description: e.data.description,
          status: e.data.status,
          rank: e.data.rank,
          createdAt: e.occurredAt,
          updatedAt: e.occurredAt,
        })
        .onConflictDoNothing();
    },
    'task.edited': (e, tx) => updateTask(tx, e.aggregateId, e.occurredAt, e.data),
    'task.moved': (e, tx) => updateTask(tx, e.aggregateId, e.occurredAt, e.data),
    'task.assigned': (e, tx) => updateTask(tx, e.aggregateId, e.occurredAt, { assigneeId: e.data.assigneeId }),
    'task.archived': (e, tx) => updateTask(tx, e.aggregateId, e.occurredAt, { archived: true }),
    'task.restored': (e, tx) => updateTask(tx, e.aggregateId, e.occurredAt, { archived: false }),
    'task.labeled': (e, tx) => updateTask(tx, e.aggregateId, e.occurredAt, { labels: e.data.labels }),
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
