'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { generateKeyBetween } from 'fractional-indexing';
import { useState } from 'react';
import { useTRPC, type RouterOutputs } from '~/trpc/react';
import { useChangeNotices, useLiveStatus } from '../../../live-updates';
import { byRank, type Placement } from './arrangement';

export type Task = RouterOutputs['tasks']['board']['tasks'][number];
export type Status = Task['status'];
/** What the new-task form hears back: success renews its idempotency key, an error gives the title back. */
export type Outcome = { onSuccess: () => void; onError: () => void };

/**
 * The board's data, in one hook: its queries, every command it sends (with the
 * optimistic move), the live connection and read-your-writes. The components
 * only render and call the actions; a change to how the board reads, writes or
 * stays live is a change to this file.
 */
export function useBoard({ organizationId, projectId }: { organizationId: string; projectId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const boardKey = trpc.tasks.board.queryKey({ organizationId, projectId });
  const board = useQuery(trpc.tasks.board.queryOptions({ organizationId, projectId }));
  const members = useQuery(trpc.organizations.members.queryOptions({ organizationId }));
  const [announcement, setAnnouncement] = useState('');
  // A change the server accepted but the board's read model had not shown yet (a slow projector):
  // the board keeps the user's own state, marked "Syncing…", until the projector catches up (~/trpc/read-your-writes).
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

  const tasks = byRank(board.data?.tasks ?? []);
  const emailOf = (userId: string | null) => members.data?.find((m) => m.userId === userId)?.email ?? null;

  return {
    board,
    members,
    tasks,
    emailOf,
    live: { syncing: live.syncing, status: live.status, connected: live.connected },
    /** Polite news for screen readers ("The board was updated."). */
    announcement,
    moveTask: (taskId: string, placement: Placement) => move.mutate({ organizationId, taskId, placement }),
    /** Adds a task at the end of column `status`. */
    createTask: (title: string, status: Status, idempotencyKey: string, outcome: Outcome) => {
      const last = tasks.filter((t) => t.status === status).at(-1);
      create.mutate({ organizationId, projectId, title, placement: { status, after: last?.rank ?? null, before: null }, idempotencyKey }, outcome);
    },
    creating: create.isPending,
    saveTask: (task: Task, title: string, description: string, labels: string[]) => {
      const relabel = labels.join('\n') !== task.labels.join('\n');
      // One command after the other: both change the task, and the second must see the first's version.
      edit.mutate(
        { organizationId, taskId: task.id, title, description },
        { onSuccess: () => relabel && label.mutate({ organizationId, taskId: task.id, labels }) },
      );
    },
    saving: edit.isPending || label.isPending,
    assignTask: (taskId: string, assigneeId: string | null) => assign.mutate({ organizationId, taskId, assigneeId }),
    archiveTask: (taskId: string) => archive.mutate({ organizationId, taskId }),
    restoreTask: (taskId: string) => restore.mutate({ organizationId, taskId }),
    restoring: restore.isPending,
    renameProject: (name: string) => renameProject.mutate({ organizationId, projectId, name }),
  };
}

/** A project's archived tasks, fetched only while `open` (the list is folded away by default). */
export function useArchivedTasks({ organizationId, projectId, open }: { organizationId: string; projectId: string; open: boolean }) {
  const trpc = useTRPC();
  return useQuery(trpc.tasks.board.queryOptions({ organizationId, projectId, archived: true }, { enabled: open }));
}
