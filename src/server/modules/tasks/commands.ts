/**
 * The task board's write side: two aggregates, projects and tasks, each a
 * decider (its state, `evolve` and `decide`). Decisions are pure functions of
 * the aggregate's own state and the command; any member may change the board.
 *
 * Adding a task event: declare it in ./events.ts, add it to `taskEvents`,
 * handle it in `evolveTask` (the compiler points there), and add a command
 * to `TaskCommand` and `decideTask` that emits it.
 */
import { generateKeyBetween } from 'fractional-indexing';
import { z } from 'zod';
import { AppError } from '~/server/errors';
import { defineDecider, unhandled, type DecidedEvent } from '~/server/events/decider';
import {
  projectCreated,
  projectEvents,
  projectRenamed,
  statusSchema,
  taskArchived,
  taskAssigned,
  taskCreated,
  taskEdited,
  taskEvents,
  taskLabeled,
  taskMoved,
  taskRestored,
  type Status,
} from './events';

const taskStateSchema = z.object({
  projectId: z.string(),
  title: z.string(),
  description: z.string(),
  status: statusSchema,
  rank: z.string(),
  assigneeId: z.string().nullable(),
  archived: z.boolean(),
  /** Added after tasks existed: states stored before read as "no labels", no rebuild needed. */
  labels: z.array(z.string()).default([]),
});
export type TaskState = z.infer<typeof taskStateSchema>;

/** Where to drop a task: between two neighbours of the target column (null = column edge). */
export interface Placement {
  status: Status;
  after: string | null;
  before: string | null;
}

/** A rank strictly between the neighbours' ranks. */
export function rankBetween(after: string | null, before: string | null): string {
  if (after !== null && before !== null && after >= before) throw new AppError('CONFLICT', 'The board changed meanwhile; try again.');
  try {
    return generateKeyBetween(after, before);
  } catch {
    throw new AppError('BAD_REQUEST', 'Invalid position.');
  }
}

// ---- projects

type ProjectEvent = DecidedEvent<typeof projectEvents>;
const projectStateSchema = z.object({ name: z.string() }).nullable();
export type ProjectState = z.infer<typeof projectStateSchema>;

export type ProjectCommand = { type: 'create'; name: string } | { type: 'rename'; name: string };

export function createProject(input: { name: string }): ProjectEvent[] {
  return [projectCreated.create(input)];
}

export function renameProject(current: { name: string }, input: { name: string }): ProjectEvent[] {
  return input.name.trim() === current.name ? [] : [projectRenamed.create(input)];
}

function existingProject(state: ProjectState) {
  if (!state) throw new AppError('NOT_FOUND', 'Project not found.');
  return state;
}

export const projectDecider = defineDecider({
  name: 'project',
  events: projectEvents,
  state: projectStateSchema,
  initialState: null,
  evolve: (state: ProjectState, event: ProjectEvent): ProjectState => {
    switch (event.type) {
      case 'project.created':
      case 'project.renamed':
        return { name: event.data.name };
      default:
        return unhandled(event);
    }
  },
  decide: (command: ProjectCommand, state) => {
    switch (command.type) {
      case 'create':
        if (state) throw new AppError('CONFLICT', 'That project exists already.');
        return createProject(command);
      case 'rename':
        return renameProject(existingProject(state), command);
    }
  },
});

// ---- tasks

type TaskEvent = DecidedEvent<typeof taskEvents>;

export function createTask(input: { projectId: string; title: string; description: string; placement: Placement }): TaskEvent[] {
  const rank = rankBetween(input.placement.after, input.placement.before);
  return [taskCreated.create({ projectId: input.projectId, title: input.title, description: input.description, status: input.placement.status, rank })];
}

function live(task: TaskState): TaskState {
  if (task.archived) throw new AppError('CONFLICT', 'This task is archived; restore it first.');
  return task;
}

export function editTask(task: TaskState, input: { title: string; description: string }): TaskEvent[] {
  live(task);
  if (input.title.trim() === task.title && input.description === task.description) return [];
  return [taskEdited.create(input)];
}

export function moveTask(task: TaskState, placement: Placement): TaskEvent[] {
  live(task);
  const rank = rankBetween(placement.after, placement.before);
  return [taskMoved.create({ status: placement.status, rank })];
}

export function assignTask(task: TaskState, input: { assigneeId: string | null }, memberIds: ReadonlySet<string>): TaskEvent[] {
  live(task);
  if (input.assigneeId !== null && !memberIds.has(input.assigneeId)) throw new AppError('BAD_REQUEST', 'Tasks can only be assigned to members.');
  if (input.assigneeId === task.assigneeId) return [];
  return [taskAssigned.create(input)];
}

export function labelTask(task: TaskState, input: { labels: string[] }): TaskEvent[] {
  live(task);
  const same = input.labels.length === task.labels.length && input.labels.every((label, i) => label === task.labels[i]);
  return same ? [] : [taskLabeled.create({ labels: input.labels })];
}

export function archiveTask(task: TaskState): TaskEvent[] {
  return task.archived ? [] : [taskArchived.create({})];
}

export function restoreTask(task: TaskState): TaskEvent[] {
  return task.archived ? [taskRestored.create({})] : [];
}

export type TaskCommand =
  | { type: 'create'; projectId: string; title: string; description: string; placement: Placement }
  | { type: 'edit'; title: string; description: string }
  | { type: 'move'; placement: Placement }
  /** `memberIds`: the organization's members, from its write-side state. */
  | { type: 'assign'; assigneeId: string | null; memberIds: ReadonlySet<string> }
  | { type: 'archive' }
  | { type: 'restore' }
  | { type: 'label'; labels: string[] };

/** The task after one of its events. */
export function evolveTask(state: TaskState | null, event: TaskEvent): TaskState | null {
  if (event.type === 'task.created') return { ...event.data, assigneeId: null, archived: false, labels: [] };
  if (!state) return state; // no task event precedes task.created
  switch (event.type) {
    case 'task.edited':
      return { ...state, title: event.data.title, description: event.data.description };
    case 'task.moved':
      return { ...state, status: event.data.status, rank: event.data.rank };
    case 'task.assigned':
      return { ...state, assigneeId: event.data.assigneeId };
    case 'task.archived':
      return { ...state, archived: true };
    case 'task.restored':
      return { ...state, archived: false };
    case 'task.labeled':
      return { ...state, labels: event.data.labels };
    default:
      return unhandled(event);
  }
}

function existingTask(state: TaskState | null): TaskState {
  if (!state) throw new AppError('NOT_FOUND', 'Task not found.');
  return state;
}

export function decideTask(command: TaskCommand, state: TaskState | null): TaskEvent[] {
  switch (command.type) {
    case 'create':
      if (state) throw new AppError('CONFLICT', 'That task exists already.');
      return createTask(command);
    case 'edit':
      return editTask(existingTask(state), command);
    case 'move':
      return moveTask(existingTask(state), command.placement);
    case 'assign':
      return assignTask(existingTask(state), command, command.memberIds);
    case 'archive':
      return archiveTask(existingTask(state));
    case 'restore':
      return restoreTask(existingTask(state));
    case 'label':
      return labelTask(existingTask(state), command);
  }
}

export const taskDecider = defineDecider({
  name: 'task',
  events: taskEvents,
  state: taskStateSchema.nullable(),
  initialState: null,
  evolve: evolveTask,
  decide: decideTask,
});
