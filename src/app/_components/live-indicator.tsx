'use client';
import { useSubscription } from '@trpc/tanstack-react-query';
import { cn } from '~/lib/cn';
import { useTRPC } from '~/trpc/react';

/** Shows whether the live (SSE) connection to the server is up. */
export function LiveIndicator() {
  const trpc = useTRPC();
  const live = useSubscription(trpc.system.live.subscriptionOptions(undefined));
  const label =
    live.status === 'pending' && live.data
      ? 'Live'
      : live.status === 'connecting' || live.status === 'idle'
        ? 'Connecting'
        : live.status === 'error'
          ? 'Reconnecting'
          : 'Connecting';
  const ok = label === 'Live';
  return (
    <span
      role="status"
      aria-live="polite"
      data-testid="live-indicator"
      className="inline-flex items-center gap-2 rounded-full bg-zinc-100 px-3 py-1 text-xs font-medium text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300"
    >
      <span
        aria-hidden
        className={cn('size-2 rounded-full', ok ? 'bg-emerald-500' : 'animate-pulse bg-amber-500')}
      />
      {label}
    </span>
  );
}
