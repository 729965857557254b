'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { generateKeyBetween } from 'fractional-indexing';
import Link from 'next/link';
import { useEffect, useRef, useState, type DragEvent, type FormEvent, type KeyboardEvent } from 'react';
import { Button } from '~/components/ui/button';
import { Input } from '~/components/ui/input';
import { cn } from '~/lib/cn';
import { idempotencyKeys } from '~/lib/idempotency-keys';
import { useTRPC, type RouterOutputs } from '~/trpc/react';
import { LiveStatus } from '../../../../_components/live-indicator';
import { ActivityList } from '../../activity-feed';
import { useChangeNotices, useLiveStatus } from '../../live-updates';
import { useOrganizationHref } from '../../organization-context';

type Task = RouterOutputs['tasks']['board']['tasks'][number];
type Status = Task['status'];
const COLUMNS: ReadonlyArray<{ status: Status; title: string }> = [
  { status: 'todo', title: 'To do' },
  { status: 'doing', title: 'Doing' },
  { status: 'done', title: 'Done' },
];

export function Board({ organizationId, projectId }: { organizationId: string; projectId: string }) {
  const trpc = useTRPC();
  const href = useOrganizationHref();
  const queryClient = useQueryClient();
  const boardKey = trpc.tasks.board.queryKey({ organizationId, projectId });
  const board = useQuery(trpc.tasks.board.queryOptions({ organizationId, projectId }));
  const members = useQuery(trpc.organizations.members.queryOptions({ organizationId }));
  const [announcement, setAnnouncement] = useState('');
  const [dragging, setDragging] = useState<string | null>(null);
  // A change the server accepted but the board's read model had not shown yet (a slow projector):
  // the board keeps the user's own state, marked "Syncing…", until the projector catches up (~/trpc/react).
  const live = useLiveStatus();
  useChangeNotices((paths) => {
    if (paths.includes('tasks.board')) setAnnouncement('The board was updated.');
  });

  // Failures are toasted for every mutation (see ~/trpc/react). Success or not, the board
  // refetches once no command of this user is in flight: after a CONFLICT (someone else's
  // change won) it shows the board as it is now.
  const move = useMutation(
    trpc.tasks.move.mutationOptions({
      onMutate: async ({ taskId, placement }) => {
        // Optimistic: the same rank the server will compute from the same neighbours.
        await queryClient.cancelQueries({ queryKey: boardKey });
        const previous = queryClient.getQueryData(boardKey);
        const rank = generateKeyBetween(placement.after, placement.before);
        queryClient.setQueryData(boardKey, (old) =>
          old ? { ...old, tasks: old.tasks.map((t) => (t.id === taskId ? { ...t, status: placement.status, rank } : t)) } : old,
        );
        return { previous };
      },
      onError: (_error, _input, context) => {
        if (context?.previous) queryClient.setQueryData(boardKey, context.previous);
      },
    }),
  );
  const create = useMutation(trpc.tasks.create.mutationOptions());
  const archive = useMutation(trpc.tasks.archive.mutationOptions());
  const assign = useMutation(trpc.tasks.assign.mutationOptions());
  const edit = useMutation(trpc.tasks.edit.mutationOptions());
  const label = useMutation(trpc.tasks.label.mutationOptions());
  const restore = useMutation(trpc.tasks.restore.mutationOptions());
  const renameProject = useMutation(trpc.tasks.renameProject.mutationOptions());
  const [renaming, setRenaming] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const [historyOf, setHistoryOf] = useState<Task | null>(null);
  // A keyboard move to another column mounts the card anew there: its handle takes the focus back.
  const refocusHandleOf = useRef<{ taskId: string; status: Status } | null>(null);

  if (board.isError) {
    return (
      <div className="py-16 text-center">
        <h1 className="text-xl font-semibold">Project not found</h1>
        <Link href={href()} className="mt-6 inline-block text-sm font-medium text-brand-600 hover:underline">Back to the organization</Link>
      </div>
    );
  }

  const tasks = [...(board.data?.tasks ?? [])].sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0));
  const column = (status: Status) => tasks.filter((t) => t.status === status);
  const emailOf = (userId: string | null) => members.data?.find((m) => m.userId === userId)?.email ?? null;

  /** Moves a task to index `at` of column `status` (of the list without the task itself). */
  const moveTo = (task: Task, status: Status, at: number) => {
    const others = column(status).filter((t) => t.id !== task.id);
    const index = Math.max(0, Math.min(at, others.length));
    const after = others[index - 1]?.rank ?? null;
    const before = others[index]?.rank ?? null;
    if (task.status === status && column(status).findIndex((t) => t.id === task.id) === index) return;
    move.mutate({ organizationId, taskId: task.id, placement: { status, after, before } });
    setAnnouncement(`Moved “${task.title}” to ${COLUMNS.find((c) => c.status === status)?.title ?? status}, position ${index + 1}.`);
  };

  const onKeyDown = (task: Task, e: KeyboardEvent) => {
    const statuses = COLUMNS.map((c) => c.status);
    const col = statuses.indexOf(task.status);
    const index = column(task.status).findIndex((t) => t.id === task.id);
    const target =
      e.key === 'ArrowLeft' ? { status: statuses[col - 1], at: Number.MAX_SAFE_INTEGER }
      : e.key === 'ArrowRight' ? { status: statuses[col + 1], at: Number.MAX_SAFE_INTEGER }
      : e.key === 'ArrowUp' ? { status: task.status, at: index - 1 }
      : e.key === 'ArrowDown' ? { status: task.status, at: index + 1 }
      : null;
    if (!target?.status || target.at < 0) return;
    e.preventDefault();
    refocusHandleOf.current = { taskId: task.id, status: target.status };
    moveTo(task, target.status, target.at);
  };

  const onDrop = (status: Status, beforeTaskId: string | null, e: DragEvent) => {
    e.preventDefault();
    const task = tasks.find((t) => t.id === e.dataTransfer.getData('text/task-id'));
    setDragging(null);
    if (!task) return;
    const others = column(status).filter((t) => t.id !== task.id);
    const at = beforeTaskId ? others.findIndex((t) => t.id === beforeTaskId) : others.length;
    moveTo(task, status, at < 0 ? others.length : at);
  };

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <Link href={href()} className="text-sm text-zinc-500 hover:underline">← Organization</Link>
          {board.isPending ? (
            <div className="mt-2 h-8 w-48 animate-pulse rounded bg-zinc-200 dark:bg-zinc-800" />
          ) : renaming ? (
            <RenameProject
              current={board.data.project.name}
              onCancel={() => setRenaming(false)}
              onSave={(name) => {
                renameProject.mutate({ organizationId, projectId, name });
                setRenaming(false);
              }}
            />
          ) : (
            <div className="mt-1 flex items-baseline gap-3">
              <h1 className="text-2xl font-semibold tracking-tight">{board.data.project.name}</h1>
              <button type="button" className="rounded text-sm text-zinc-500 hover:underline" onClick={() => setRenaming(true)}>
                Rename<span className="sr-only"> project</span>
              </button>
            </div>
          )}
          <p className="mt-1 hidden text-sm text-zinc-500 md:block">Drag cards, or focus a card’s handle (⠿) and use the arrow keys.</p>
          <p className="mt-1 text-sm text-zinc-500 md:hidden">Move a card with its column picker.</p>
        </div>
        <LiveStatus syncing={live.syncing} status={live.status} connected={live.connected} />
      </div>
      <p className="sr-only" aria-live="polite">{announcement}</p>
      <div className="grid gap-4 md:grid-cols-3">
        {COLUMNS.map(({ status, title }) => (
          <section
            key={status}
            aria-label={title}
            onDragOver={(e) => e.preventDefault()}
            onDrop={(e) => onDrop(status, null, e)}
            className="flex min-h-40 flex-col rounded-2xl bg-zinc-100 p-3 md:min-h-64 dark:bg-zinc-900"
          >
            <h2 className="mb-3 flex items-center justify-between px-1 text-sm font-semibold">
              {title}
              <span className="rounded-full bg-white px-2 text-xs text-zinc-500 dark:bg-zinc-800">{board.isPending ? '…' : column(status).length}</span>
            </h2>
            <ul className="flex flex-1 flex-col gap-2">
              {board.isPending
                ? [0, 1].map((i) => <li key={i} className="h-16 animate-pulse rounded-xl bg-white/70 dark:bg-zinc-800" />)
                : column(status).map((task) => (
                    <li
                      key={task.id}
                      draggable
                      onDragStart={(e) => {
                        e.dataTransfer.setData('text/task-id', task.id);
                        setDragging(task.id);
                      }}
                      onDragEnd={() => setDragging(null)}
                      onDragOver={(e) => e.preventDefault()}
                      onDrop={(e) => {
                        e.stopPropagation();
                        onDrop(status, task.id, e);
                      }}
                      className={cn('rounded-xl bg-white shadow-sm ring-1 ring-zinc-200 dark:bg-zinc-800 dark:ring-zinc-700', dragging === task.id && 'opacity-50')}
                    >
                      <div className="block w-full cursor-grab rounded-xl p-3 text-left">
                        {editing === task.id ? (
                          <EditTask
                            task={task}
                            pending={edit.isPending || label.isPending}
                            onCancel={() => setEditing(null)}
                            onSave={(title, description, labels) => {
                              const relabel = labels.join('\n') !== task.labels.join('\n');
                              // One command after the other: both change the task, and the second must see the first's version.
                              edit.mutate(
                                { organizationId, taskId: task.id, title, description },
                                { onSuccess: () => relabel && label.mutate({ organizationId, taskId: task.id, labels }) },
                              );
                              setEditing(null);
                            }}
                          />
                        ) : (
                        <div className="flex items-start justify-between gap-2">
                          <button type="button" className="text-left text-sm font-medium hover:underline" onClick={() => setEditing(task.id)}>
                            {task.title}
                            <span className="sr-only"> (edit)</span>
                          </button>
                          <button
                            type="button"
                            aria-label={`Move ${task.title} (${title}): arrow keys`}
                            onKeyDown={(e) => onKeyDown(task, e)}
                            ref={(handle) => {
                              const wanted = refocusHandleOf.current;
                              if (handle && wanted?.taskId === task.id && wanted.status === task.status) {
                                refocusHandleOf.current = null;
                                handle.focus();
                              }
                            }}
                            className="shrink-0 rounded px-1 text-zinc-400 hover:text-zinc-700 dark:hover:text-zinc-200"
                          >
                            <span aria-hidden>⠿</span>
                          </button>
                        </div>
                        )}
                        {task.description && <p className="mt-1 line-clamp-2 text-xs text-zinc-500">{task.description}</p>}
                        {task.labels.length > 0 && (
                          <ul className="mt-2 flex flex-wrap gap-1" aria-label={`Labels of ${task.title}`}>
                            {task.labels.map((name) => (
                              <li key={name} className="rounded-full bg-brand-50 px-2 py-0.5 text-xs text-brand-700 ring-1 ring-inset ring-brand-100 dark:bg-zinc-900 dark:text-brand-400 dark:ring-zinc-700">
                                {name}
                              </li>
                            ))}
                          </ul>
                        )}
                        {/* Touch screens cannot drag or press arrow keys: a column picker instead. */}
                        <div className="mt-2 md:hidden">
                          <label className="sr-only" htmlFor={`column-${task.id}`}>Column of {task.title}</label>
                          <select
                            id={`column-${task.id}`}
                            value={task.status}
                            onChange={(e) => {
                              const target = COLUMNS.find((c) => c.status === e.target.value);
                              if (target) moveTo(task, target.status, Number.MAX_SAFE_INTEGER);
                            }}
                            className="rounded bg-zinc-100 px-1 py-0.5 text-xs text-zinc-700 dark:bg-zinc-700 dark:text-zinc-200"
                          >
                            {COLUMNS.map((c) => <option key={c.status} value={c.status}>{c.title}</option>)}
                          </select>
                        </div>
                        <div className="mt-2 flex items-center justify-between gap-2 text-xs text-zinc-500">
                          <label className="sr-only" htmlFor={`assignee-${task.id}`}>Assignee of {task.title}</label>
                          <select
                            id={`assignee-${task.id}`}
                            value={task.assigneeId ?? ''}
                            onChange={(e) => assign.mutate({ organizationId, taskId: task.id, assigneeId: e.target.value || null })}
                            className="max-w-40 truncate rounded bg-transparent"
                          >
                            <option value="">Unassigned</option>
                            {members.data?.map((m) => <option key={m.userId} value={m.userId}>{m.email}</option>)}
                          </select>
                          {emailOf(task.assigneeId) === null && task.assigneeId && <span>former member</span>}
                          <span className="flex shrink-0 gap-1">
                            <button type="button" className="rounded px-1 hover:text-zinc-900 dark:hover:text-zinc-100" onClick={() => setHistoryOf(task)}>
                              History<span className="sr-only"> of {task.title}</span>
                            </button>
                            <button type="button" className="rounded px-1 hover:text-red-600" onClick={() => archive.mutate({ organizationId, taskId: task.id })}>
                              Archive<span className="sr-only"> {task.title}</span>
                            </button>
                          </span>
                        </div>
                      </div>
                    </li>
                  ))}
              {!board.isPending && column(status).length === 0 && (
                <li className="rounded-xl border border-dashed border-zinc-300 p-4 text-center text-xs text-zinc-500 dark:border-zinc-700">Nothing here yet</li>
              )}
            </ul>
            <AddTask
              status={status}
              columnTitle={title}
              pending={create.isPending}
              onAdd={(taskTitle, idempotencyKey, outcome) =>
                create.mutate({ organizationId, projectId, title: taskTitle, placement: { status, after: column(status).at(-1)?.rank ?? null, before: null }, idempotencyKey }, outcome)
              }
            />
          </section>
        ))}
      </div>
      <ArchivedTasks
        organizationId={organizationId}
        projectId={projectId}
        restoring={restore.isPending}
        onRestore={(task) => restore.mutate({ organizationId, taskId: task.id })}
      />
      {historyOf && <TaskHistory organizationId={organizationId} task={historyOf} onClose={() => setHistoryOf(null)} />}
    </div>
  );
}

/** Archived tasks, loaded when opened, each with Restore (back to where it was on the board). */
function ArchivedTasks({ organizationId, projectId, restoring, onRestore }: { organizationId: string; projectId: string; restoring: boolean; onRestore: (task: Task) => void }) {
  const trpc = useTRPC();
  const [open, setOpen] = useState(false);
  const archived = useQuery(trpc.tasks.board.queryOptions({ organizationId, projectId, archived: true }, { enabled: open }));
  return (
    <details className="rounded-2xl bg-zinc-100 p-3 dark:bg-zinc-900" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary className="cursor-pointer rounded px-1 text-sm font-semibold">Archived tasks</summary>
      {!open ? null : archived.isPending ? (
        <div className="mt-3 h-10 animate-pulse rounded-xl bg-white/70 dark:bg-zinc-800" aria-busy="true" aria-label="Loading archived tasks" />
      ) : archived.isError ? (
        <p role="alert" className="mt-3 text-sm text-red-600">{archived.error.message}</p>
      ) : archived.data.tasks.length === 0 ? (
        <p className="mt-3 px-1 text-sm text-zinc-500">No archived tasks.</p>
      ) : (
        <ul className="mt-3 divide-y divide-zinc-200 rounded-xl bg-white dark:divide-zinc-700 dark:bg-zinc-800" aria-label="Archived tasks">
          {archived.data.tasks.map((task) => (
            <li key={task.id} className="flex items-center justify-between gap-3 px-3 py-2 text-sm">
              <span className="truncate">{task.title}</span>
              <Button variant="ghost" disabled={restoring} onClick={() => onRestore(task)}>
                Restore<span className="sr-only"> {task.title}</span>
              </Button>
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}

/** One task's history in a modal dialog (Escape or Close dismisses it; focus returns to the card). */
function TaskHistory({ organizationId, task, onClose }: { organizationId: string; task: Task; onClose: () => void }) {
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

function RenameProject({ current, onSave, onCancel }: { current: string; onSave: (name: string) => void; onCancel: () => void }) {
  const [name, setName] = useState(current);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim() !== '' && name.trim() !== current) onSave(name);
    else onCancel();
  };
  return (
    <form onSubmit={submit} className="mt-1 flex flex-wrap items-center gap-2" aria-label="Rename project">
      <label htmlFor="project-rename" className="sr-only">Project name</label>
      <Input id="project-rename" value={name} maxLength={80} onChange={(e) => setName(e.target.value)} onKeyDown={(e) => e.key === 'Escape' && onCancel()} autoFocus className="max-w-sm" />
      <Button type="submit">Save</Button>
      <Button variant="ghost" onClick={onCancel}>Cancel</Button>
    </form>
  );
}

/** Labels as typed in the form: comma-separated, blanks dropped. */
const parseLabels = (text: string) => text.split(',').map((l) => l.trim()).filter((l) => l !== '');

function EditTask({
  task,
  pending,
  onSave,
  onCancel,
}: {
  task: Task;
  pending: boolean;
  onSave: (title: string, description: string, labels: string[]) => void;
  onCancel: () => void;
}) {
  const [title, setTitle] = useState(task.title);
  const [description, setDescription] = useState(task.description);
  const [labels, setLabels] = useState(task.labels.join(', '));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (title.trim() !== '') onSave(title, description, parseLabels(labels));
  };
  return (
    <form onSubmit={submit} className="space-y-2" aria-label={`Edit ${task.title}`}>
      <label htmlFor={`title-${task.id}`} className="sr-only">Title</label>
      <Input id={`title-${task.id}`} value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} autoFocus />
      <label htmlFor={`description-${task.id}`} className="sr-only">Description</label>
      <textarea
        id={`description-${task.id}`}
        value={description}
        maxLength={5_000}
        rows={3}
        onChange={(e) => setDescription(e.target.value)}
        placeholder="Description"
        className="block w-full rounded-lg bg-white px-3 py-2 text-sm ring-1 ring-inset ring-zinc-300 focus:ring-2 focus:ring-brand-500 focus:outline-none dark:bg-zinc-900 dark:ring-zinc-700"
      />
      <label htmlFor={`labels-${task.id}`} className="sr-only">Labels</label>
      <Input id={`labels-${task.id}`} value={labels} maxLength={200} onChange={(e) => setLabels(e.target.value)} placeholder="Labels, comma-separated" />
      <div className="flex gap-2">
        <Button type="submit" disabled={pending || title.trim() === ''}>Save</Button>
        <Button variant="ghost" onClick={onCancel}>Cancel</Button>
      </div>
    </form>
  );
}

function AddTask({
  status,
  columnTitle,
  pending,
  onAdd,
}: {
  status: Status;
  columnTitle: string;
  pending: boolean;
  onAdd: (title: string, idempotencyKey: string, outcome: { onSuccess: () => void; onError: () => void }) => void;
}) {
  const [title, setTitle] = useState('');
  // One key per task the user means to add: adding the same title again after an error (a lost response) creates one task.
  const [keys] = useState(() => idempotencyKeys());
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (title.trim() === '') return;
    const sent = title;
    onAdd(sent, keys.keyFor(sent), {
      onSuccess: () => keys.renew(),
      // The title goes back into the empty field, so retrying is one press, with the same key.
      onError: () => setTitle((current) => (current === '' ? sent : current)),
    });
    setTitle('');
  };
  return (
    <form onSubmit={submit} className="mt-3 flex gap-2">
      <label htmlFor={`new-${status}`} className="sr-only">New task in {columnTitle}</label>
      <Input id={`new-${status}`} value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} placeholder="Add a task…" />
      <Button type="submit" variant="secondary" disabled={pending || title.trim() === ''}>Add</Button>
    </form>
  );
}
