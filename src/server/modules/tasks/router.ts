/**
 * The task board's procedures. Every one is scoped to an organization the
 * caller belongs to (organizationProcedure). Commands decide from the write
 * side (./commands.ts) through the one command handler; queries read the
 * board and dashboard read models, filtered by the organization, so an id
 * from another tenant is simply not found.
 */
import { z } from 'zod';
import { utcDay } from '~/lib/days';
import { router } from '~/server/api/trpc';
import { loadState, runCommand } from '~/server/commands/handler';
import { newId } from '~/server/commands/idempotency';
import { AppError } from '~/server/errors';
import { organizationDecider } from '~/server/modules/organizations/commands';
import { organizationProcedure } from '~/server/modules/organizations/procedures';
import { projectDecider, taskDecider } from './commands';
import { descriptionSchema, labelsSchema, projectNameSchema, rankSchema, statusSchema, titleSchema } from './events';
import { boardOf, projectOf, projectsOf } from './read-models/board';
import { dashboardOf } from './read-models/dashboard';

const placement = z.object({ status: statusSchema, after: rankSchema.nullable(), before: rankSchema.nullable() });
const taskInput = z.object({ taskId: z.uuid('Unknown task.') });
/** Creating procedures take one: a retry with the same key creates nothing more and answers the first result (~/server/commands/idempotency). */
const idempotencyKey = z.uuid().optional();

export const tasksRouter = router({
  projects: organizationProcedure.query(({ ctx }) => projectsOf(ctx.db, ctx.organizationId)),

  createProject: organizationProcedure
    .input(z.object({ name: projectNameSchema, idempotencyKey }))
    .mutation(({ ctx, input }) => {
      const projectId = newId(ctx.session.user.id, input.idempotencyKey, 'project', ctx.organizationId);
      return runCommand(ctx, projectDecider, projectId, { type: 'create', name: input.name }, { idempotencyKey: input.idempotencyKey });
    }),

  renameProject: organizationProcedure
    .input(z.object({ projectId: z.uuid('Unknown project.'), name: projectNameSchema }))
    .mutation(({ ctx, input }) => runCommand(ctx, projectDecider, input.projectId, { type: 'rename', name: input.name })),

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
    .input(z.object({ projectId: z.uuid('Unknown project.'), title: titleSchema, description: descriptionSchema.default(''), placement, idempotencyKey }))
    .mutation(async ({ ctx, input }) => {
      // The project is another aggregate of the same partition: its write-side state says whether it exists, without lag.
      const project = await loadState(ctx.writeSide, projectDecider, ctx.organizationId, input.projectId);
      if (!project.state) throw new AppError('NOT_FOUND', 'Project not found.');
      const { projectId, title, description } = input;
      const taskId = newId(ctx.session.user.id, input.idempotencyKey, 'task', ctx.organizationId);
      return runCommand(ctx, taskDecider, taskId, { type: 'create', projectId, title, description, placement: input.placement }, { idempotencyKey: input.idempotencyKey });
    }),

  edit: organizationProcedure
    .input(taskInput.extend({ title: titleSchema, description: descriptionSchema }))
    .mutation(({ ctx, input }) => runCommand(ctx, taskDecider, input.taskId, { type: 'edit', title: input.title, description: input.description })),

  move: organizationProcedure
    .input(taskInput.extend({ placement }))
    .mutation(({ ctx, input }) => runCommand(ctx, taskDecider, input.taskId, { type: 'move', placement: input.placement })),

  assign: organizationProcedure
    .input(taskInput.extend({ assigneeId: z.string().min(1).max(200).nullable() }))
    .mutation(async ({ ctx, input }) => {
      // Members come from the organization's write-side state (same partition): someone who just joined can be assigned at once.
      const organization = await loadState(ctx.writeSide, organizationDecider, ctx.organizationId, ctx.organizationId);
      const memberIds = new Set(organization.state?.members.map((m) => m.userId));
      return runCommand(ctx, taskDecider, input.taskId, { type: 'assign', assigneeId: input.assigneeId, memberIds });
    }),

  /** Sets the task's labels (the whole set). */
  label: organizationProcedure
    .input(taskInput.extend({ labels: labelsSchema }))
    .mutation(({ ctx, input }) => runCommand(ctx, taskDecider, input.taskId, { type: 'label', labels: input.labels })),

  archive: organizationProcedure.input(taskInput).mutation(({ ctx, input }) => runCommand(ctx, taskDecider, input.taskId, { type: 'archive' })),

  restore: organizationProcedure.input(taskInput).mutation(({ ctx, input }) => runCommand(ctx, taskDecider, input.taskId, { type: 'restore' })),
});
