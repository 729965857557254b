'use client';
import { useSubscription } from '@trpc/tanstack-react-query';
import { cn } from '~/lib/cn';
import { useTRPC } from '~/trpc/react';

type SubscriptionStatus = 'idle' | 'connecting' | 'pending' | 'error';

/** A badge for a live (SSE) connection: "Live" once data flows, "Reconnecting" after an error. */
export function LiveBadge({ status, hasData }: { status: SubscriptionStatus; hasData: boolean }) {
  const label = status === 'error' ? 'Reconnecting' : status === 'pending' && hasData ? 'Live' : 'Connecting';
  const ok = label === 'Live';
  return (
    <span
      role="status"
      aria-live="polite"
      data-testid="live-indicator"
      className="inline-flex items-center gap-2 rounded-full bg-zinc-100 px-3 py-1 text-xs font-medium text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300"
    >
      <span aria-hidden className={cn('size-2 rounded-full', ok ? 'bg-emerald-500' : 'animate-pulse bg-amber-500')} />
      {label}
    </span>
  );
}

/** A page's live badge, with the subtle "Syncing…" mark while the user's own write is not in its read model yet. */
export function LiveStatus({ syncing, status, connected }: { syncing: boolean; status: SubscriptionStatus; connected: boolean }) {
  return (
    <div className="flex items-center gap-2">
      {syncing && (
        <span className="text-xs text-muted-foreground" title="Saved; this page will catch up in a moment">
          Syncing…
        </span>
      )}
      <LiveBadge status={status} hasData={connected} />
    </div>
  );
}

/** Shows whether the live (SSE) connection to the server is up, using the heartbeat subscription. */
export function LiveIndicator() {
  const trpc = useTRPC();
  const live = useSubscription(trpc.system.live.subscriptionOptions(undefined));
  return <LiveBadge status={live.status} hasData={live.data !== undefined} />;
}
