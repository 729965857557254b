/**
 * The task board's procedures. Every one is scoped to an organization the
 * caller belongs to (organizationProcedure), and every lookup is filtered by
 * that organization, so an id from another tenant is simply not found.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { utcDay } from '~/lib/days';
import { organizationProcedure, router, type Context } from '~/server/api/trpc';
import { AppError } from '~/server/errors';
import { append } from '~/server/events';
import type { EventDraft } from '~/server/events/define-event';
import { membersOf } from '~/server/modules/organizations/read-models/directory';
import { settle } from '~/server/projectors/settle';
import * as commands from './commands';
import { descriptionSchema, projectNameSchema, rankSchema, statusSchema, titleSchema } from './events';
import { boardOf, projectOf, projectsOf, taskOf } from './read-models/board';
import { dashboardOf } from './read-models/dashboard';

const placement = z.object({ status: statusSchema, after: rankSchema.nullable(), before: rankSchema.nullable() });
const taskInput = z.object({ taskId: z.uuid('Unknown task.') });

interface Scope {
  db: Context['db'];
  session: NonNullable<Context['session']>;
  organizationId: string;
}

/** Appends a command's events to one aggregate at the version it decided on, then waits for the read models. */
async function commit(scope: Scope, aggregateId: string, expectedVersion: number, events: EventDraft[]) {
  if (events.length === 0) return { id: aggregateId, changed: false, position: null, settled: true };
  const result = await append({
    organizationId: scope.organizationId,
    actorId: scope.session.user.id,
    streams: [{ aggregateId, expectedVersion, events }],
  });
  const position = result.positions.at(-1) ?? null;
  return { id: aggregateId, changed: true, position, ...(await settle(position ?? undefined)) };
}

async function withTask(scope: Scope, taskId: string, decide: (task: commands.TaskState) => EventDraft[]) {
  const task = await taskOf(scope.db, scope.organizationId, taskId);
  if (!task) throw new AppError('NOT_FOUND', 'Task not found.');
  return commit(scope, task.id, task.version, decide(task));
}

export const tasksRouter = router({
  projects: organizationProcedure.query(({ ctx }) => projectsOf(ctx.db, ctx.organizationId)),

  createProject: organizationProcedure
    .input(z.object({ name: projectNameSchema }))
    .mutation(({ ctx, input }) => commit(ctx, randomUUID(), 0, commands.createProject(input))),

  renameProject: organizationProcedure
    .input(z.object({ projectId: z.uuid('Unknown project.'), name: projectNameSchema }))
    .mutation(async ({ ctx, input }) => {
      const project = await projectOf(ctx.db, ctx.organizationId, input.projectId);
      if (!project) throw new AppError('NOT_FOUND', 'Project not found.');
      return commit(ctx, project.id, project.version, commands.renameProject(project, input));
    }),

  /** The board of one project: live tasks ordered by column and rank (or the archive). */
  board: organizationProcedure
    .input(z.object({ projectId: z.uuid('Unknown project.'), archived: z.boolean().default(false) }))
    .query(async ({ ctx, input }) => {
      const project = await projectOf(ctx.db, ctx.organizationId, input.projectId);
      if (!project) throw new AppError('NOT_FOUND', 'Project not found.');
      return { project: { id: project.id, name: project.name }, tasks: await boardOf(ctx.db, ctx.organizationId, project.id, input.archived) };
    }),

  /** Live task counts per column, completions per day over the last 14 days (UTC), and the most active members. */
  dashboard: organizationProcedure.query(({ ctx }) => dashboardOf(ctx.db, ctx.organizationId, utcDay(new Date()))),

  create: organizationProcedure
    .input(z.object({ projectId: z.uuid('Unknown project.'), title: titleSchema, description: descriptionSchema.default(''), placement }))
    .mutation(async ({ ctx, input }) => {
      const project = await projectOf(ctx.db, ctx.organizationId, input.projectId);
      if (!project) throw new AppError('NOT_FOUND', 'Project not found.');
      return commit(ctx, randomUUID(), 0, commands.createTask(input));
    }),

  edit: organizationProcedure
    .input(taskInput.extend({ title: titleSchema, description: descriptionSchema }))
    .mutation(({ ctx, input }) => withTask(ctx, input.taskId, (task) => commands.editTask(task, input))),

  move: organizationProcedure
    .input(taskInput.extend({ placement }))
    .mutation(({ ctx, input }) => withTask(ctx, input.taskId, (task) => commands.moveTask(task, input.placement))),

  assign: organizationProcedure
    .input(taskInput.extend({ assigneeId: z.string().min(1).max(200).nullable() }))
    .mutation(async ({ ctx, input }) => {
      const members = new Set((await membersOf(ctx.db, ctx.organizationId)).map((m) => m.userId));
      return withTask(ctx, input.taskId, (task) => commands.assignTask(task, input, members));
    }),

  archive: organizationProcedure.input(taskInput).mutation(({ ctx, input }) => withTask(ctx, input.taskId, commands.archiveTask)),

  restore: organizationProcedure.input(taskInput).mutation(({ ctx, input }) => withTask(ctx, input.taskId, commands.restoreTask)),
});
