'use client';
import { useDroppable } from '@dnd-kit/core';
import { SortableContext, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { cn } from '~/lib/cn';
import { STATUS_LABELS } from '~/lib/labels';
import { NewTaskForm } from './new-task-form';
import { TaskCard, type CardActions } from './task-card';
import type { Outcome, Status, Task } from './use-board';

/**
 * One column of the board: its cards sortable among themselves, a drop target
 * of its own while it is empty, and the new-task field.
 * `tasks` is null while the board loads.
 */
export function Column({
  status,
  tasks,
  actions,
  creating,
  onAdd,
}: {
  status: Status;
  tasks: Task[] | null;
  actions: CardActions;
  creating: boolean;
  onAdd: (title: string, idempotencyKey: string, outcome: Outcome) => void;
}) {
  // A column with cards is dropped on through its cards (dnd-kit finds the closest one): as a target of
  // its own it would win over its top card when a card moves up with the keyboard, and the card would not move.
  const { setNodeRef, isOver } = useDroppable({ id: status, disabled: tasks !== null && tasks.length > 0 });
  const title = STATUS_LABELS[status];
  return (
    <section aria-label={title} className="flex min-h-40 flex-col rounded-2xl bg-zinc-100 p-3 md:min-h-64 dark:bg-zinc-900">
      <h2 className="mb-3 flex items-center justify-between px-1 text-sm font-semibold">
        {title}
        <span className="rounded-full bg-white px-2 text-xs text-muted-foreground dark:bg-zinc-800">{tasks === null ? '…' : tasks.length}</span>
      </h2>
      <SortableContext id={status} items={tasks?.map((t) => t.id) ?? []} strategy={verticalListSortingStrategy}>
        <ul ref={setNodeRef} className={cn('flex flex-1 flex-col gap-2 rounded-xl', isOver && 'ring-2 ring-brand-500/40')}>
          {tasks === null
            ? [0, 1].map((i) => <li key={i} className="h-16 animate-pulse rounded-xl bg-white/70 dark:bg-zinc-800" />)
            : tasks.map((task) => <TaskCard key={task.id} task={task} status={status} actions={actions} />)}
          {tasks?.length === 0 && (
            <li className="rounded-xl border border-dashed border-zinc-300 p-4 text-center text-xs text-foreground dark:border-zinc-700">Nothing here yet</li>
          )}
        </ul>
      </SortableContext>
      <NewTaskForm status={status} pending={creating} onAdd={onAdd} />
    </section>
  );
}
