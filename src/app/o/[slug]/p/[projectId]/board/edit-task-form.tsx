'use client';
import { useState, type FormEvent } from 'react';
import { Button } from '~/components/ui/button';
import { Input } from '~/components/ui/input';
import type { Task } from './use-board';

/** Labels as typed in the form: comma-separated, blanks dropped. */
const parseLabels = (text: string) => text.split(',').map((l) => l.trim()).filter((l) => l !== '');

/** A task's title, description and labels, edited in place on its card (Save or Cancel). */
export function EditTaskForm({
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
