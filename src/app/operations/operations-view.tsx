'use client';
import Link from 'next/link';
import { cn } from '~/lib/cn';
import { SECTIONS } from './sections';
import { REFRESH_MS, useOperationsStatus } from './use-operations-status';

/** The operations page: a one-line summary, then each section of ./sections.tsx. */
export function OperationsView() {
  return (
    <div className="space-y-10">
      <div>
        <Link href="/" className="text-sm text-muted-foreground hover:underline">← All organizations</Link>
        <h1 className="mt-1 text-2xl font-semibold tracking-tight">Operations</h1>
        <Summary />
      </div>
      {SECTIONS.map(({ id, Component }) => (
        <Component key={id} />
      ))}
    </div>
  );
}

/** Stalls, dead letters, workers, and how fresh the figures are. */
function Summary() {
  const status = useOperationsStatus();
  if (!status.data) return <p className="mt-1 text-sm text-muted-foreground">The read side of the app, refreshed every {REFRESH_MS / 1000} s.</p>;
  const { projectors, deadLetters, workers, at } = status.data;
  const stalled = projectors.filter((p) => p.stalled).length;
  const parked = deadLetters.failed + deadLetters.blocked;
  return (
    <p role="status" className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-muted-foreground">
      <span className={cn('inline-flex items-center gap-2 font-medium', stalled > 0 ? 'text-red-700 dark:text-red-300' : 'text-emerald-700 dark:text-emerald-300')}>
        <span aria-hidden className={cn('size-2 rounded-full', stalled > 0 ? 'bg-red-500' : 'bg-emerald-500')} />
        {stalled > 0 ? `${stalled} stalled` : 'Nothing stalled'}
      </span>
      <span>{parked === 0 ? 'no dead letters' : `${parked} dead letter${parked === 1 ? '' : 's'}`}</span>
      <span>{workers.length === 0 ? 'no live worker' : `${workers.length} worker${workers.length === 1 ? '' : 's'}`}</span>
      <span className={cn(status.isError && 'text-amber-700 dark:text-amber-400')}>
        {status.isError ? 'refresh failed; showing' : 'as of'} {new Date(at).toLocaleTimeString()}
      </span>
    </p>
  );
}
