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

export const projectCreated = defineEvent({
  type: 'project.created',
  version: 1,
  description: 'Emitted when a member creates a project in the organization.',
  example: { name: 'Website relaunch' },
  data: z.object({ name: projectNameSchema }),
});

export const projectRenamed = defineEvent({
  type: 'project.renamed',
  version: 1,
  description: 'Emitted when a member renames a project.',
  example: { name: 'Website relaunch 2' },
  data: z.object({ name: projectNameSchema }),
});

export const taskCreated = defineEvent({
  type: 'task.created',
  version: 1,
  description: "Emitted when a member adds a task to a project's column.",
  example: { projectId: '0190f5a2-6b1d-7c2e-8f3a-4d5e6f708192', title: 'Write the launch post', description: 'Two paragraphs and a screenshot.', status: 'todo', rank: 'a0' },
  data: z.object({ projectId: z.uuid(), title: titleSchema, description: descriptionSchema, status: statusSchema, rank: rankSchema }),
});

export const taskEdited = defineEvent({
  type: 'task.edited',
  version: 1,
  description: "Emitted when a member changes a task's title or description (both are given).",
  example: { title: 'Write the launch post', description: 'Three paragraphs and two screenshots.' },
  data: z.object({ title: titleSchema, description: descriptionSchema }),
});

export const taskMoved = defineEvent({
  type: 'task.moved',
  version: 1,
  description: 'Emitted when a member moves a task to another place, in its column or another one.',
  example: { status: 'doing', rank: 'a0V' },
  data: z.object({ status: statusSchema, rank: rankSchema }),
});

export const taskAssigned = defineEvent({
  type: 'task.assigned',
  version: 1,
  description: 'Emitted when a member assigns a task to a member, or clears the assignee (`null`).',
  example: { assigneeId: 'user-grace' },
  data: z.object({ assigneeId: z.string().min(1).max(200).nullable() }),
});

export const taskArchived = defineEvent({
  type: 'task.archived',
  version: 1,
  description: 'Emitted when a member archives a task (it leaves the board but is kept).',
  example: {},
  data: z.object({}),
});

export const taskRestored = defineEvent({
  type: 'task.restored',
  version: 1,
  description: 'Emitted when a member brings an archived task back to the board.',
  example: {},
  data: z.object({}),
});

export const taskLabeled = defineEvent({
  type: 'task.labeled',
  version: 1,
  description: "Emitted when a member sets a task's labels (the whole set, replacing the previous one).",
  example: { labels: ['launch', 'copy'] },
  data: z.object({ labels: labelsSchema }),
});

/** The events of each aggregate, in the order they were added. */
export const projectEvents = [projectCreated, projectRenamed] as const;
export const taskEvents = [taskCreated, taskEdited, taskMoved, taskAssigned, taskArchived, taskRestored, taskLabeled] as const;
