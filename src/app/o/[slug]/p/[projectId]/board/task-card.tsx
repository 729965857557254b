'use client';
import { useSortable } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { useState } from 'react';
import { cn } from '~/lib/cn';
import { STATUS_LABELS } from '~/lib/labels';
import { EditTaskForm } from './edit-task-form';
import type { Status, Task } from './use-board';
import { personName } from '~/lib/people';

export type CardActions = {
  members: ReadonlyArray<{ userId: string; email: string }>;
  emailOf: (userId: string | null) => string | null;
  saving: boolean;
  onSave: (task: Task, title: string, description: string, labels: string[]) => void;
  onAssign: (taskId: string, assigneeId: string | null) => void;
  onArchive: (taskId: string) => void;
  onHistory: (task: Task) => void;
};

/**
 * One card on the board, sortable with dnd-kit by its handle (⠿): drag it with
 * a mouse, hold and drag it on a touch screen, or focus it and press Space,
 * the arrow keys and Space again. `status` is the column the card is drawn in
 * (while it is dragged, not yet the task's own).
 */
export function TaskCard({ task, status, actions }: { task: Task; status: Status; actions: CardActions }) {
  const [editing, setEditing] = useState(false);
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({ id: task.id });
  return (
    <li
      ref={setNodeRef}
      style={{ transform: CSS.Translate.toString(transform), transition }}
      className={cn('rounded-xl bg-white p-3 shadow-sm ring-1 ring-zinc-200 dark:bg-zinc-800 dark:ring-zinc-700', isDragging && 'opacity-40')}
    >
      {editing ? (
        <EditTaskForm
          task={task}
          pending={actions.saving}
          onCancel={() => setEditing(false)}
          onSave={(title, description, labels) => {
            actions.onSave(task, title, description, labels);
            setEditing(false);
          }}
        />
      ) : (
        <div className="flex items-start justify-between gap-2">
          <button type="button" className="text-left text-sm font-medium hover:underline" onClick={() => setEditing(true)}>
            {task.title}
            <span className="sr-only"> (edit)</span>
          </button>
          <button
            type="button"
            ref={setActivatorNodeRef}
            {...attributes}
            {...listeners}
            aria-label={`Move ${task.title} (${STATUS_LABELS[status]})`}
            // No scrolling, text selection or callout menu from a finger held on the handle: that hold picks the card up.
            style={{ WebkitTouchCallout: 'none' }}
            className="-m-1 flex size-8 shrink-0 cursor-grab touch-none items-center justify-center rounded text-muted-foreground select-none hover:text-zinc-700 active:cursor-grabbing dark:hover:text-zinc-200"
          >
            <span aria-hidden>⠿</span>
          </button>
        </div>
      )}
      {task.description && <p className="mt-1 line-clamp-2 text-xs text-muted-foreground">{task.description}</p>}
      {task.labels.length > 0 && (
        <ul className="mt-2 flex flex-wrap gap-1" aria-label={`Labels of ${task.title}`}>
          {task.labels.map((name) => (
            <li key={name} className="rounded-full bg-brand-50 px-2 py-0.5 text-xs text-brand-700 ring-1 ring-inset ring-brand-100 dark:bg-zinc-900 dark:text-brand-400 dark:ring-zinc-700">
              {name}
            </li>
          ))}
        </ul>
      )}
      <div className="mt-2 flex items-center justify-between gap-2 text-xs text-muted-foreground">
        <label className="sr-only" htmlFor={`assignee-${task.id}`}>Assignee of {task.title}</label>
        <select
          id={`assignee-${task.id}`}
          value={task.assigneeId ?? ''}
          onChange={(e) => actions.onAssign(task.id, e.target.value || null)}
          className="max-w-40 truncate rounded bg-transparent"
        >
          <option value="">Unassigned</option>
          {actions.members.map((m) => <option key={m.userId} value={m.userId}>{personName(m)}</option>)}
        </select>
        {actions.emailOf(task.assigneeId) === null && task.assigneeId && <span>former member</span>}
        <span className="flex shrink-0 gap-1">
          <button type="button" className="rounded px-1 hover:text-zinc-900 dark:hover:text-zinc-100" onClick={() => actions.onHistory(task)}>
            History<span className="sr-only"> of {task.title}</span>
          </button>
          <button type="button" className="rounded px-1 hover:text-red-600" onClick={() => actions.onArchive(task.id)}>
            Archive<span className="sr-only"> {task.title}</span>
          </button>
        </span>
      </div>
    </li>
  );
}

/** The card under the finger or pointer while it is dragged (dnd-kit's DragOverlay): its look only, hidden from screen readers. */
export function TaskCardPreview({ task }: { task: Task }) {
  return (
    <div aria-hidden className="cursor-grabbing rounded-xl bg-white p-3 text-sm font-medium shadow-lg ring-2 ring-brand-500 dark:bg-zinc-800">
      {task.title}
    </div>
  );
}
