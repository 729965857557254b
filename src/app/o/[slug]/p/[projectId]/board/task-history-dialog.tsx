'use client';
import { useEffect, useRef } from 'react';
import { Button } from '~/components/ui/button';
import { ActivityList } from '../../../activity-feed';
import type { Task } from './use-board';

/** One task's history in a modal dialog (Escape or Close dismisses it; focus returns to the card). */
export function TaskHistoryDialog({ organizationId, task, onClose }: { organizationId: string; task: Task; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  // Opened once, never closed on cleanup: close() queues a `close` event, and in development
  // StrictMode's mount, unmount, mount would deliver it after the second mount, to onClose,
  // shutting the dialog at once. Unmounting removes the element, which leaves the top layer by itself.
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, []);
  return (
    <dialog
      ref={dialog}
      onClose={onClose}
      aria-labelledby="task-history-title"
      className="m-auto w-full max-w-lg rounded-2xl bg-white p-6 text-zinc-900 shadow-xl ring-1 ring-zinc-200 backdrop:bg-zinc-950/40 dark:bg-zinc-900 dark:text-zinc-100 dark:ring-zinc-800"
    >
      <div className="mb-4 flex items-start justify-between gap-4">
        <h2 id="task-history-title" className="text-lg font-semibold">History of “{task.title}”</h2>
        <Button variant="ghost" onClick={() => dialog.current?.close()}>Close</Button>
      </div>
      <ActivityList organizationId={organizationId} taskId={task.id} label="Task history" />
    </dialog>
  );
}
