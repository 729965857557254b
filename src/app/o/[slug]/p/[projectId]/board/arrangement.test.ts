import { generateKeyBetween } from 'fractional-indexing';
import { describe, expect, it } from 'vitest';
import { columnOf, columnsOf, dropTarget, moveCard, placementAt, type Ranked } from './arrangement';

// a0 < a1 < a2 in To do, b in Doing, nothing in Done; listed out of order on purpose.
const tasks: Ranked[] = [
  { id: 'a2', status: 'todo', rank: 'a2' },
  { id: 'a0', status: 'todo', rank: 'a0' },
  { id: 'b', status: 'doing', rank: 'a0' },
  { id: 'a1', status: 'todo', rank: 'a1' },
];
const columns = columnsOf(tasks);

describe('the board as columns of card ids', () => {
  it('lists each column in rank order', () => {
    expect(columns).toEqual({ todo: ['a0', 'a1', 'a2'], doing: ['b'], done: [] });
    expect(columnOf(columns, 'a1')).toBe('todo');
    expect(columnOf(columns, 'done')).toBe('done');
    expect(columnOf(columns, 'gone')).toBeNull();
  });

  it('a card over a card of its own column takes that card’s index', () => {
    expect(dropTarget(columns, 'a0', 'a2')).toEqual({ status: 'todo', index: 2, count: 3 });
    expect(moveCard(columns, 'a0', { status: 'todo', index: 2 }).todo).toEqual(['a1', 'a2', 'a0']);
    expect(dropTarget(columns, 'a2', 'a0')).toEqual({ status: 'todo', index: 0, count: 3 });
  });

  it('a card over a card of another column goes before it; over a column, at its end', () => {
    expect(dropTarget(columns, 'a1', 'b')).toEqual({ status: 'doing', index: 0, count: 2 });
    expect(dropTarget(columns, 'a1', 'doing')).toEqual({ status: 'doing', index: 1, count: 2 });
    expect(dropTarget(columns, 'a1', 'done')).toEqual({ status: 'done', index: 0, count: 1 });
    expect(dropTarget(columns, 'a1', 'todo')).toEqual({ status: 'todo', index: 1, count: 3 });
    expect(moveCard(columns, 'a1', { status: 'doing', index: 0 })).toEqual({ todo: ['a0', 'a2'], doing: ['a1', 'b'], done: [] });
  });

  it('knows nothing of a card that is not on the board', () => {
    expect(dropTarget(columns, 'gone', 'b')).toBeNull();
  });
});

describe('placementAt', () => {
  it('places between the neighbours’ ranks, counted without the task itself', () => {
    expect(placementAt(tasks, 'a0', 'todo', 2)).toEqual({ status: 'todo', after: 'a2', before: null });
    expect(placementAt(tasks, 'a2', 'todo', 0)).toEqual({ status: 'todo', after: null, before: 'a0' });
    expect(placementAt(tasks, 'a0', 'todo', 1)).toEqual({ status: 'todo', after: 'a1', before: 'a2' });
    expect(placementAt(tasks, 'a1', 'doing', 1)).toEqual({ status: 'doing', after: 'a0', before: null });
    expect(placementAt(tasks, 'a1', 'done', 0)).toEqual({ status: 'done', after: null, before: null });
  });

  it('gives a rank that sorts the task where it was dropped', () => {
    const placement = placementAt(tasks, 'a2', 'todo', 1);
    if (!placement) throw new Error('expected a placement');
    const moved = tasks.map((t) => (t.id === 'a2' ? { ...t, rank: generateKeyBetween(placement.after, placement.before) } : t));
    expect(columnsOf(moved).todo).toEqual(['a0', 'a2', 'a1']);
  });

  it('sends nothing when the task stays where it is, and clamps the index', () => {
    expect(placementAt(tasks, 'a1', 'todo', 1)).toBeNull();
    expect(placementAt(tasks, 'a2', 'todo', 99)).toBeNull();
    expect(placementAt(tasks, 'gone', 'todo', 0)).toBeNull();
  });
});
