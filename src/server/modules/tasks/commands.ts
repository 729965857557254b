/**
 * Decisions of the task board: pure functions of the current state and the
 * input. Any member may change the board; who may be assigned is checked
 * against the organization's members, passed in.
 */
import { generateKeyBetween } from 'fractional-indexing';
import { AppError } from '~/server/errors';
import type { EventDraft } from '~/server/events/define-event';
import {
  projectCreated,
  projectRenamed,
  taskArchived,
  taskAssigned,
  taskCreated,
  taskEdited,
  taskMoved,
  taskRestored,
  type Status,
} from './events';

export interface TaskState {
  id: string;
  projectId: string;
  version: number;
  title: string;
  description: string;
  status: Status;
  rank: string;
  assigneeId: string | null;
  archived: boolean;
}

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

export function createProject(input: { name: string }): EventDraft[] {
  return [projectCreated.create(input)];
}

export function renameProject(current: { name: string }, input: { name: string }): EventDraft[] {
  return input.name.trim() === current.name ? [] : [projectRenamed.create(input)];
}

export function createTask(input: { projectId: string; title: string; description: string; placement: Placement }): EventDraft[] {
  const rank = rankBetween(input.placement.after, input.placement.before);
  return [taskCreated.create({ projectId: input.projectId, title: input.title, description: input.description, status: input.placement.status, rank })];
}

function live(task: TaskState): TaskState {
  if (task.archived) throw new AppError('CONFLICT', 'This task is archived; restore it first.');
  return task;
}

export function editTask(task: TaskState, input: { title: string; description: string }): EventDraft[] {
  live(task);
  if (input.title.trim() === task.title && input.description === task.description) return [];
  return [taskEdited.create(input)];
}

export function moveTask(task: TaskState, placement: Placement): EventDraft[] {
  live(task);
  const rank = rankBetween(placement.after, placement.before);
  return [taskMoved.create({ status: placement.status, rank })];
}

export function assignTask(task: TaskState, input: { assigneeId: string | null }, memberIds: ReadonlySet<string>): EventDraft[] {
  live(task);
  if (input.assigneeId !== null && !memberIds.has(input.assigneeId)) throw new AppError('BAD_REQUEST', 'Tasks can only be assigned to members.');
  if (input.assigneeId === task.assigneeId) return [];
  return [taskAssigned.create(input)];
}

export function archiveTask(task: TaskState): EventDraft[] {
  return task.archived ? [] : [taskArchived.create({})];
}

export function restoreTask(task: TaskState): EventDraft[] {
  return task.archived ? [taskRestored.create({})] : [];
}
