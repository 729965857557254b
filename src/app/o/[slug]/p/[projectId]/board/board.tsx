'use client';
import { DndContext, DragOverlay, closestCorners } from '@dnd-kit/core';
import Link from 'next/link';
import { useState } from 'react';
import { STATUS_ORDER } from '~/lib/labels';
import { LiveStatus } from '../../../../../_components/live-indicator';
import { useOrganizationHref } from '../../../organization-context';
import { Column } from './column';
import { ArchivedTasks } from './archived-tasks';
import { ProjectHeader } from './project-header';
import { TaskCardPreview, type CardActions } from './task-card';
import { TaskHistoryDialog } from './task-history-dialog';
import { useBoard, type Task } from './use-board';
import { useBoardDrag } from './use-board-drag';

/**
 * A project's task board: three columns of cards that mouse, touch and
 * keyboard users drag between and within columns (dnd-kit), live for every
 * member. Data and commands come from `useBoard`, dragging from `useBoardDrag`.
 */
export function Board({ organizationId, projectId }: { organizationId: string; projectId: string }) {
  const href = useOrganizationHref();
  const board = useBoard({ organizationId, projectId });
  const drag = useBoardDrag({ tasks: board.tasks, data: board.board.data, moveTask: board.moveTask });
  const [historyOf, setHistoryOf] = useState<Task | null>(null);

  if (board.board.isError) {
    return (
      <div className="py-16 text-center">
        <h1 className="text-xl font-semibold">Project not found</h1>
        <Link href={href()} className="mt-6 inline-block text-sm font-medium text-blue-700 dark:text-blue-400 hover:underline">Back to the organization</Link>
      </div>
    );
  }

  const byId = new Map(board.tasks.map((t) => [t.id, t]));
  const cardsOf = (ids: string[]) => ids.flatMap((id) => byId.get(id) ?? []);
  const dragged = drag.activeId === null ? null : (byId.get(drag.activeId) ?? null);
  const actions: CardActions = {
    members: board.members.data ?? [],
    emailOf: board.emailOf,
    saving: board.saving,
    onSave: board.saveTask,
    onAssign: board.assignTask,
    onArchive: board.archiveTask,
    onHistory: setHistoryOf,
  };

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <ProjectHeader name={board.board.data?.project.name ?? null} backHref={href()} onRename={board.renameProject} />
        <LiveStatus syncing={board.live.syncing} status={board.live.status} connected={board.live.connected} />
      </div>
      <p className="sr-only" aria-live="polite">{board.announcement}</p>
      {/* A fixed id: dnd-kit's own ids count up per page, which the server's render and the browser's would not agree on. */}
      <DndContext id="task-board" sensors={drag.sensors} collisionDetection={closestCorners} accessibility={drag.accessibility} {...drag.handlers}>
        <div className="grid gap-4 md:grid-cols-3">
          {STATUS_ORDER.map((status) => (
            <Column
              key={status}
              status={status}
              tasks={board.board.isPending ? null : cardsOf(drag.columns[status])}
              actions={actions}
              creating={board.creating}
              onAdd={(title, idempotencyKey, outcome) => board.createTask(title, status, idempotencyKey, outcome)}
            />
          ))}
        </div>
        <DragOverlay>{dragged && <TaskCardPreview task={dragged} />}</DragOverlay>
      </DndContext>
      <ArchivedTasks organizationId={organizationId} projectId={projectId} restoring={board.restoring} onRestore={board.restoreTask} />
      {historyOf && <TaskHistoryDialog organizationId={organizationId} task={historyOf} onClose={() => setHistoryOf(null)} />}
    </div>
  );
}
