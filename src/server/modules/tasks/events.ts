/**
 * Events of the task board. Projects and tasks are aggregates of their own
 * (aggregate id = project id / task id); every event also carries the
 * organization, so the board of one organization lives in one partition.
 */
import { z } from 'zod';
import { userText } from '~/lib/text';
import { defineEvent } from '~/server/events/define-event';

export const STATUSES = ['todo', 'doing', 'done'] as const;
export const statusSchema = z.enum(STATUSES);
export type Status = z.infer<typeof statusSchema>;

export const titleSchema = userText({ label: 'title', min: 1, max: 200 });
export const descriptionSchema = userText({ max: 5_000, multiline: true });
export const projectNameSchema = userText({ label: 'name', min: 1, max: 80 });
export const labelSchema = userText({ label: 'label', min: 1, max: 24 });
/** A task's labels: at most 5, each once (compared without case). */
export const labelsSchema = z
  .array(labelSchema)
  .max(5, 'Use at most 5 labels.')
  .refine((labels) => new Set(labels.map((l) => l.toLowerCase())).size === labels.length, 'Use each label once.');
/** Position within a column: fractional-index keys that sort as plain strings. */
export const rankSchema = z.string().min(1).max(64).regex(/^[0-9A-Za-z]+$/);

/** When: a member creates a project in the organization. */
export const projectCreated = defineEvent({ type: 'project.created', version: 1, data: z.object({ name: projectNameSchema }) });

/** When: a member renames a project. */
export const projectRenamed = defineEvent({ type: 'project.renamed', version: 1, data: z.object({ name: projectNameSchema }) });

/** When: a member adds a task to a project's column. */
export const taskCreated = defineEvent({
  type: 'task.created',
  version: 1,
  data: z.object({ projectId: z.uuid(), title: titleSchema, description: descriptionSchema, status: statusSchema, rank: rankSchema }),
});

/** When: a member changes a task's title or description. */
export const taskEdited = defineEvent({
  type: 'task.edited',
  version: 1,
  data: z.object({ title: titleSchema, description: descriptionSchema }),
});

/** When: a member drags a task to another place, in its column or another one. */
export const taskMoved = defineEvent({ type: 'task.moved', version: 1, data: z.object({ status: statusSchema, rank: rankSchema }) });

/** When: a member assigns a task to a member, or clears the assignee (null). */
export const taskAssigned = defineEvent({ type: 'task.assigned', version: 1, data: z.object({ assigneeId: z.string().min(1).max(200).nullable() }) });

/** When: a member archives a task (it leaves the board but is kept). */
export const taskArchived = defineEvent({ type: 'task.archived', version: 1, data: z.object({}) });

/** When: a member brings an archived task back to the board. */
export const taskRestored = defineEvent({ type: 'task.restored', version: 1, data: z.object({}) });

/** When: a member sets a task's labels (the whole set, replacing the previous one). */
export const taskLabeled = defineEvent({ type: 'task.labeled', version: 1, data: z.object({ labels: labelsSchema }) });

/** The events of each aggregate, in the order they were added. */
export const projectEvents = [projectCreated, projectRenamed] as const;
export const taskEvents = [taskCreated, taskEdited, taskMoved, taskAssigned, taskArchived, taskRestored, taskLabeled] as const;
