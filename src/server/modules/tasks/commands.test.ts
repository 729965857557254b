import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '~/server/errors';
import { z } from 'zod';
import { fold } from '~/server/events/decider';
import { archiveTask, assignTask, createProject, createTask, decideTask, editTask, labelTask, moveTask, rankBetween, renameProject, restoreTask, taskDecider, type TaskState } from './commands';

const task = (over: Partial<TaskState> = {}): TaskState => ({
  projectId: 'p1', title: 'Write docs', description: '', status: 'todo', rank: 'a0', assigneeId: null, archived: false, labels: [], ...over,
});

describe('createTask', () => {
  it('places a new task between its neighbours', () => {
    const [created] = createTask({ projectId: '018f7a62-0000-7000-8000-000000000001', title: 'Ship', description: '', placement: { status: 'doing', after: 'a0', before: 'a1' } });
    expect(created).toMatchObject({ type: 'task.created', data: { status: 'doing', title: 'Ship' } });
    const { rank } = z.object({ rank: z.string() }).parse(created?.data);
    expect(rank > 'a0' && rank < 'a1').toBe(true);
  });
  it('refuses neighbours in the wrong order: the column changed since the user looked', () => {
    expect(() => createTask({ projectId: 'p1', title: 'Ship', description: '', placement: { status: 'todo', after: 'a1', before: 'a0' } })).toThrow(/changed meanwhile/);
  });
});

describe('projects', () => {
  it('given no project, when one is created, then it is created with its name', () => {
    expect(createProject({ name: 'Launch' })).toEqual([{ type: 'project.created', data: { name: 'Launch' } }]);
  });
  it('given a project, when renamed, then it is renamed, unless the name is the same', () => {
    expect(renameProject({ name: 'Launch' }, { name: 'Relaunch' })).toEqual([{ type: 'project.renamed', data: { name: 'Relaunch' } }]);
    expect(renameProject({ name: 'Launch' }, { name: 'Launch' })).toEqual([]);
  });
});

describe('moveTask', () => {
  it('moves to another column at the given place', () => {
    expect(moveTask(task(), { status: 'done', after: null, before: null })).toEqual([{ type: 'task.moved', data: { status: 'done', rank: 'a0' } }]);
  });
  it('refuses an archived task, and neighbours in the wrong order (the board changed)', () => {
    expect(() => moveTask(task({ archived: true }), { status: 'done', after: null, before: null })).toThrow(AppError);
    expect(() => moveTask(task(), { status: 'done', after: 'b0', before: 'a0' })).toThrow(/changed meanwhile/);
  });
});

describe('editTask, assignTask, archive and restore', () => {
  it('edits only when something changed', () => {
    expect(editTask(task(), { title: 'Write docs', description: '' })).toEqual([]);
    expect(editTask(task(), { title: 'Write better docs', description: 'now' })).toEqual([{ type: 'task.edited', data: { title: 'Write better docs', description: 'now' } }]);
  });
  it('assigns members only', () => {
    const members = new Set(['ada']);
    expect(assignTask(task(), { assigneeId: 'ada' }, members)).toEqual([{ type: 'task.assigned', data: { assigneeId: 'ada' } }]);
    expect(() => assignTask(task(), { assigneeId: 'mallory' }, members)).toThrow(/only be assigned to members/);
    expect(assignTask(task({ assigneeId: 'ada' }), { assigneeId: null }, members)).toEqual([{ type: 'task.assigned', data: { assigneeId: null } }]);
  });
  it('archives and restores once', () => {
    expect(archiveTask(task())).toEqual([{ type: 'task.archived', data: {} }]);
    expect(archiveTask(task({ archived: true }))).toEqual([]);
    expect(restoreTask(task({ archived: true }))).toEqual([{ type: 'task.restored', data: {} }]);
    expect(restoreTask(task())).toEqual([]);
  });
});

describe('rankBetween', () => {
  it('always sorts strictly between its neighbours (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(3), { minLength: 1, maxLength: 40 }), (inserts) => {
        // Build a column by inserting at random places, like people dragging cards.
        const column: string[] = [];
        for (const choice of inserts) {
          const at = column.length === 0 ? 0 : choice % (column.length + 1);
          const rank = rankBetween(column[at - 1] ?? null, column[at] ?? null);
          column.splice(at, 0, rank);
        }
        expect([...column].sort()).toEqual(column);
        expect(new Set(column).size).toBe(column.length);
      }),
    );
  });
});

describe('labels', () => {
  it('given a task, when labeled, then the whole set is replaced; the same set again changes nothing', () => {
    expect(labelTask(task(), { labels: ['bug', 'urgent'] })).toEqual([{ type: 'task.labeled', data: { labels: ['bug', 'urgent'] } }]);
    expect(labelTask(task({ labels: ['bug'] }), { labels: ['bug'] })).toEqual([]);
    expect(labelTask(task({ labels: ['bug'] }), { labels: [] })).toEqual([{ type: 'task.labeled', data: { labels: [] } }]);
  });
  it('refuses an archived task, and the same label twice', () => {
    expect(() => labelTask(task({ archived: true }), { labels: ['bug'] })).toThrow(AppError);
    expect(() => labelTask(task(), { labels: ['Bug', 'bug'] })).toThrow(/each label once/);
  });
});

describe('the task decider', () => {
  it('folds a task’s events into its state, labels included', () => {
    const created = { type: 'task.created', data: { projectId: 'p1', title: 'Ship', description: '', status: 'todo', rank: 'a0' } } as const;
    const state = fold(taskDecider, taskDecider.initialState, [
      created,
      { type: 'task.labeled', data: { labels: ['bug'] } },
      { type: 'task.moved', data: { status: 'done', rank: 'a1' } },
      { type: 'task.archived', data: {} },
    ]);
    expect(state).toEqual({ projectId: 'p1', title: 'Ship', description: '', status: 'done', rank: 'a1', assigneeId: null, archived: true, labels: ['bug'] });
  });
  it('reads a state stored before tasks had labels as one without labels', () => {
    const stored = { projectId: 'p1', title: 'Old', description: '', status: 'todo', rank: 'a0', assigneeId: null, archived: false };
    expect(taskDecider.state.parse(stored)).toEqual({ ...stored, labels: [] });
  });
  it('decides nothing but NOT_FOUND for a task that does not exist', () => {
    expect(() => decideTask({ type: 'edit', title: 'x', description: '' }, null)).toThrow(/Task not found/);
  });
});
