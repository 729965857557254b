/**
 * The board's drag and drop as plain data, without React or the DOM: which
 * card ids each column shows, where a dragged card lands when it is over a
 * card or a column, and the placement (`{ status, after, before }` from the
 * neighbours' ranks) the `tasks.move` command takes for that spot.
 */
import { STATUS_ORDER } from '~/lib/labels';
import type { Status } from '~/server/modules/tasks/events';

export type Ranked = { id: string; status: Status; rank: string };
/** Card ids per column, top to bottom. */
export type Columns = Record<Status, string[]>;
/** Where a dragged card lands: its column, its index there, and how many cards that column then has. */
export type DropTarget = { status: Status; index: number; count: number };
export type Placement = { status: Status; after: string | null; before: string | null };

/**
 * Touch: hold a card's handle this long (ms), moving at most `tolerance` px,
 * before it drags, so a swipe over the board still scrolls the page.
 */
export const TOUCH_ACTIVATION = { delay: 200, tolerance: 8 } as const;

/** Tasks in rank order (ranks are fractional-indexing keys: they compare as plain strings, not by locale). */
export function byRank<T extends Ranked>(tasks: ReadonlyArray<T>): T[] {
  return [...tasks].sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0));
}

/** Each column's card ids, in rank order. */
export function columnsOf(tasks: ReadonlyArray<Ranked>): Columns {
  const columns: Columns = { todo: [], doing: [], done: [] };
  for (const task of byRank(tasks)) columns[task.status].push(task.id);
  return columns;
}

const isStatus = (id: string): id is Status => STATUS_ORDER.some((status) => status === id);

/** The column that shows a card (or the column itself, for a column's id). */
export function columnOf(columns: Columns, id: string): Status | null {
  if (isStatus(id)) return id;
  return STATUS_ORDER.find((status) => columns[status].includes(id)) ?? null;
}

/**
 * Where the card `activeId` lands over `overId` (a card or a column): over a
 * card, at that card's index (in its own column the two swap places, in
 * another column it goes before it); over a column, where it already is in
 * it, or else at its end.
 */
export function dropTarget(columns: Columns, activeId: string, overId: string): DropTarget | null {
  const from = columnOf(columns, activeId);
  const status = columnOf(columns, overId);
  if (from === null || status === null) return null;
  const cards = columns[status];
  const count = cards.length + (from === status ? 0 : 1);
  if (isStatus(overId)) return { status, index: from === status ? cards.indexOf(activeId) : cards.length, count };
  return { status, index: cards.indexOf(overId), count };
}

/** The columns with the card `activeId` taken out of its column and put at `target`. */
export function moveCard(columns: Columns, activeId: string, target: Pick<DropTarget, 'status' | 'index'>): Columns {
  const next: Columns = { todo: [], doing: [], done: [] };
  for (const status of STATUS_ORDER) next[status] = columns[status].filter((id) => id !== activeId);
  next[target.status].splice(Math.max(0, Math.min(target.index, next[target.status].length)), 0, activeId);
  return next;
}

/**
 * The placement that puts `taskId` at `index` of column `status`, counted
 * among that column's other tasks in rank order: the ranks of the neighbours
 * it goes between. Null when the task is already there (nothing to send).
 */
export function placementAt(tasks: ReadonlyArray<Ranked>, taskId: string, status: Status, index: number): Placement | null {
  const task = tasks.find((t) => t.id === taskId);
  if (!task) return null;
  const column = byRank(tasks).filter((t) => t.status === status);
  const others = column.filter((t) => t.id !== taskId);
  const at = Math.max(0, Math.min(index, others.length));
  if (task.status === status && column.findIndex((t) => t.id === taskId) === at) return null;
  return { status, after: others[at - 1]?.rank ?? null, before: others[at]?.rank ?? null };
}
