'use client';
import {
  KeyboardSensor,
  PointerSensor,
  TouchSensor,
  useSensor,
  useSensors,
  type Announcements,
  type DndContextProps,
  type PointerSensorOptions,
  type ScreenReaderInstructions,
  type UniqueIdentifier,
} from '@dnd-kit/core';
import { sortableKeyboardCoordinates } from '@dnd-kit/sortable';
import { useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import { STATUS_LABELS } from '~/lib/labels';
import { TOUCH_ACTIVATION, columnOf, columnsOf, dropTarget, moveCard, placementAt, type Columns, type Placement } from './arrangement';
import type { Task } from './use-board';

/**
 * Mouse and pen only: a finger goes to the TouchSensor, which waits for a hold
 * so that swiping still scrolls. (A touch fires pointerdown first, and the
 * first sensor to claim an event wins it.)
 */
class MouseAndPenSensor extends PointerSensor {
  static override activators: typeof PointerSensor.activators = [
    {
      eventName: 'onPointerDown' as const,
      handler: ({ nativeEvent: event }: ReactPointerEvent, { onActivation }: PointerSensorOptions) => {
        if (!event.isPrimary || event.button !== 0 || event.pointerType === 'touch') return false;
        onActivation?.({ event });
        return true;
      },
    },
  ];
}

export const screenReaderInstructions: ScreenReaderInstructions = {
  draggable:
    'To move this task, press Space. Then the left and right arrow keys change its column and the up and down arrow keys its place in the column. Press Space again to drop it, or Escape to cancel.',
};

const id = (value: UniqueIdentifier) => String(value);

/**
 * Drag and drop on the board (dnd-kit): sensors for mouse, touch and keyboard,
 * the columns as they look while a card is dragged, the `tasks.move` sent on a
 * drop, and what screen readers hear along the way. After a drop the dropped
 * arrangement stays until the board's data changes (the optimistic move lands),
 * so the card never flickers back.
 */
export function useBoardDrag({ tasks, data, moveTask }: { tasks: Task[]; data: unknown; moveTask: (taskId: string, placement: Placement) => void }) {
  const sensors = useSensors(
    useSensor(MouseAndPenSensor, { activationConstraint: { distance: 5 } }),
    useSensor(TouchSensor, { activationConstraint: TOUCH_ACTIVATION }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const [drag, setDrag] = useState<{ activeId: string | null; from: Columns; columns: Columns; basis: unknown } | null>(null);
  const current = columnsOf(tasks);
  const shown = drag && (drag.activeId !== null || drag.basis === data) ? drag.columns : current;
  const known = new Set(tasks.map((t) => t.id));
  // Tasks that left the board while a card was dragged are left out; new ones show after the drop.
  const columns: Columns = { todo: shown.todo.filter((t) => known.has(t)), doing: shown.doing.filter((t) => known.has(t)), done: shown.done.filter((t) => known.has(t)) };

  const title = (taskId: UniqueIdentifier) => `“${tasks.find((t) => t.id === taskId)?.title ?? 'task'}”`;
  const labelOf = (columnsNow: Columns, taskId: UniqueIdentifier) => {
    const status = columnOf(columnsNow, id(taskId));
    return status ? STATUS_LABELS[status] : 'no column';
  };
  const landing = (activeId: UniqueIdentifier, overId: UniqueIdentifier | undefined) =>
    overId === undefined ? null : dropTarget(columns, id(activeId), id(overId));

  // The place last announced: dnd-kit reports "over" again when nothing moved for the user (at the pick-up,
  // and once a card has joined another column), which would talk over the previous announcement.
  const announced = useRef<string | null>(null);
  const announcements: Announcements = {
    onDragStart: ({ active }) => {
      const status = columnOf(current, id(active.id));
      announced.current = status && `${status}:${current[status].indexOf(id(active.id))}`;
      return `Picked up task ${title(active.id)} in ${labelOf(current, active.id)}.`;
    },
    onDragOver: ({ active, over }) => {
      const target = landing(active.id, over?.id);
      const place = target && `${target.status}:${target.index}`;
      if (place === announced.current) return undefined;
      announced.current = place;
      if (!target) return `Task ${title(active.id)} is not over a column.`;
      return `Task ${title(active.id)} moved to ${STATUS_LABELS[target.status]}, position ${target.index + 1} of ${target.count}.`;
    },
    onDragEnd: ({ active, over }) => {
      const target = landing(active.id, over?.id);
      if (!target) return `Task ${title(active.id)} was dropped outside the columns; it stays in ${labelOf(drag?.from ?? current, active.id)}.`;
      return `Task ${title(active.id)} dropped in ${STATUS_LABELS[target.status]}, position ${target.index + 1} of ${target.count}.`;
    },
    onDragCancel: ({ active }) => `Moving task ${title(active.id)} was cancelled; it is back in ${labelOf(drag?.from ?? current, active.id)}.`,
  };

  const handlers: Pick<DndContextProps, 'onDragStart' | 'onDragOver' | 'onDragEnd' | 'onDragCancel'> = {
    onDragStart: ({ active }) => setDrag({ activeId: id(active.id), from: current, columns: current, basis: data }),
    // Into another column now, so that column's cards make room; within a column, dnd-kit's sortable shifts them.
    onDragOver: ({ active, over }) => {
      const target = landing(active.id, over?.id);
      if (!target || target.status === columnOf(columns, id(active.id))) return;
      setDrag((d) => d && { ...d, columns: moveCard(d.columns, id(active.id), target) });
    },
    onDragEnd: ({ active, over }) => {
      const target = landing(active.id, over?.id);
      if (!target) return setDrag(null);
      const final = moveCard(columns, id(active.id), target);
      const placement = placementAt(tasks, id(active.id), target.status, final[target.status].indexOf(id(active.id)));
      if (!placement) return setDrag(null);
      setDrag({ activeId: null, from: current, columns: final, basis: data });
      moveTask(id(active.id), placement);
    },
    onDragCancel: () => setDrag(null),
  };

  return { sensors, columns, activeId: drag?.activeId ?? null, accessibility: { announcements, screenReaderInstructions }, handlers };
}
