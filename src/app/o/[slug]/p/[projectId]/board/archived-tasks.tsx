'use client';
import { useState } from 'react';
import { Button } from '~/components/ui/button';
import { useArchivedTasks } from './use-board';

/** Archived tasks, loaded when opened, each with Restore (back to where it was on the board). */
export function ArchivedTasks({
  organizationId,
  projectId,
  restoring,
  onRestore,
}: {
  organizationId: string;
  projectId: string;
  restoring: boolean;
  onRestore: (taskId: string) => void;
}) {
  const [open, setOpen] = useState(false);
  const archived = useArchivedTasks({ organizationId, projectId, open });
  return (
    <details className="rounded-2xl bg-zinc-100 p-3 dark:bg-zinc-900" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary className="cursor-pointer rounded px-1 text-sm font-semibold">Archived tasks</summary>
      {!open ? null : archived.isPending ? (
        <div className="mt-3 h-10 animate-pulse rounded-xl bg-white/70 dark:bg-zinc-800" aria-busy="true" aria-label="Loading archived tasks" />
      ) : archived.isError ? (
        <p role="alert" className="mt-3 text-sm text-red-600">{archived.error.message}</p>
      ) : archived.data.tasks.length === 0 ? (
        <p className="mt-3 px-1 text-sm text-muted-foreground">No archived tasks.</p>
      ) : (
        <ul className="mt-3 divide-y divide-zinc-200 rounded-xl bg-white dark:divide-zinc-700 dark:bg-zinc-800" aria-label="Archived tasks">
          {archived.data.tasks.map((task) => (
            <li key={task.id} className="flex items-center justify-between gap-3 px-3 py-2 text-sm">
              <span className="truncate">{task.title}</span>
              <Button variant="ghost" disabled={restoring} onClick={() => onRestore(task.id)}>
                Restore<span className="sr-only"> {task.title}</span>
              </Button>
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}
