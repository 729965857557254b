'use client';
import { useState, type FormEvent } from 'react';
import { Button } from '~/components/ui/button';
import { Input } from '~/components/ui/input';
import { STATUS_LABELS } from '~/lib/labels';
import { idempotencyKeys } from '~/lib/idempotency-keys';
import type { Outcome, Status } from './use-board';

/** The "Add a task…" field at the foot of a column; the task goes to the column's end. */
export function NewTaskForm({
  status,
  pending,
  onAdd,
}: {
  status: Status;
  pending: boolean;
  onAdd: (title: string, idempotencyKey: string, outcome: Outcome) => void;
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
      <label htmlFor={`new-${status}`} className="sr-only">New task in {STATUS_LABELS[status]}</label>
      <Input id={`new-${status}`} value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} placeholder="Add a task…" />
      <Button type="submit" variant="secondary" disabled={pending || title.trim() === ''}>Add</Button>
    </form>
  );
}
