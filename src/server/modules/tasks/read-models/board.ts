/**
 * The board read model: projects and their tasks with status and order. It
 * answers the board query; each row carries its aggregate's version, so
 * commands decide on a known version and repeats or gaps leave rows alone.
 */
import { and, asc, eq } from 'drizzle-orm';
import { boolean, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { Db } from '~/server/db/client';
import { catalogue } from '~/server/events/registry';
import { defineProjector, type Tx } from '~/server/projectors/define-projector';
import type { TaskState } from '../commands';

export const projects = pgTable(
  'projects',
  {
    id: text('id').primaryKey(),
    organizationId: text('organization_id').notNull(),
    name: text('name').notNull(),
    version: integer('version').notNull(),
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
    version: integer('version').notNull(),
    createdAt: timestamp('created_at', { mode: 'date', withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { mode: 'date', withTimezone: true }).notNull(),
  },
  (t) => [index('tasks_board').on(t.organizationId, t.projectId, t.status, t.rank)],
);

type TaskChange = Partial<Pick<typeof tasks.$inferInsert, 'title' | 'description' | 'status' | 'rank' | 'assigneeId' | 'archived'>>;

/** Applies a task event only when it is the row's next version. */
async function updateTask(tx: Tx, id: string, version: number, at: Date, change: TaskChange) {
  await tx
    .update(tasks)
    .set({ ...change, version, updatedAt: at })
    .where(and(eq(tasks.id, id), eq(tasks.version, version - 1)));
}

export const boardProjector = defineProjector(catalogue, {
  name: 'board',
  handlers: {
    'organization.created': null,
    'organization.renamed': null,
    'member.added': null,
    'member.role-changed': null,
    'member.removed': null,
    'invitation.created': null,
    'invitation.revoked': null,
    'invitation.accepted': null,
    'project.created': async (e, tx) => {
      await tx
        .insert(projects)
        .values({ id: e.aggregateId, organizationId: e.organizationId, name: e.data.name, version: e.aggregateVersion, createdAt: e.occurredAt })
        .onConflictDoNothing();
    },
    'project.renamed': async (e, tx) => {
      await tx
        .update(projects)
        .set({ name: e.data.name, version: e.aggregateVersion })
        .where(and(eq(projects.id, e.aggregateId), eq(projects.version, e.aggregateVersion - 1)));
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
          version: e.aggregateVersion,
          createdAt: e.occurredAt,
          updatedAt: e.occurredAt,
        })
        .onConflictDoNothing();
    },
    'task.edited': (e, tx) => updateTask(tx, e.aggregateId, e.aggregateVersion, e.occurredAt, e.data),
    'task.moved': (e, tx) => updateTask(tx, e.aggregateId, e.aggregateVersion, e.occurredAt, e.data),
    'task.assigned': (e, tx) => updateTask(tx, e.aggregateId, e.aggregateVersion, e.occurredAt, { assigneeId: e.data.assigneeId }),
    'task.archived': (e, tx) => updateTask(tx, e.aggregateId, e.aggregateVersion, e.occurredAt, { archived: true }),
    'task.restored': (e, tx) => updateTask(tx, e.aggregateId, e.aggregateVersion, e.occurredAt, { archived: false }),
  },
});

// ---- queries (always scoped to the organization)

export function projectsOf(db: Db, organizationId: string) {
  return db
    .select({ id: projects.id, name: projects.name, version: projects.version })
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
      version: tasks.version,
      updatedAt: tasks.updatedAt,
    })
    .from(tasks)
    .where(and(eq(tasks.organizationId, organizationId), eq(tasks.projectId, projectId), eq(tasks.archived, archived)))
    .orderBy(asc(tasks.status), asc(tasks.rank));
}

export async function taskOf(db: Db, organizationId: string, taskId: string): Promise<TaskState | null> {
  const [row] = await db.select().from(tasks).where(and(eq(tasks.organizationId, organizationId), eq(tasks.id, taskId)));
  return row ?? null;
}
