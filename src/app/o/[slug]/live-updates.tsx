'use client';
/**
 * The organization's one live connection, for every page under /o/<slug>
 * (rendered by the layout, so it stays open from page to page): its change
 * notices over SSE, resumed from the last id after a reconnect. Each notice
 * refetches the organization's queries its projector feeds
 * (src/server/app/live-queries.ts), except those of a read model the user is
 * writing to (src/trpc/read-your-writes.ts refetches those once the write is
 * in). Pages read the connection's state with `useLiveStatus` and may hear
 * notices with `useChangeNotices`.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useSubscription, type TRPCSubscriptionStatus } from '@trpc/tanstack-react-query';
import { createContext, useContext, useEffect, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import { ALL_LIVE_QUERIES, stalePaths, type QueryPath } from '~/server/app/live-queries';
import { useTRPC, type RouterOutputs } from '~/trpc/react';
import { refetchLive, useOwnWrites } from '~/trpc/read-your-writes';
import { useOrganization } from './organization-context';

/** One change notice as the subscription delivers it (the data of a tracked event). */
export type ChangeNotice = RouterOutputs['organizations']['changes'] extends AsyncIterable<{ data: infer N }> ? N : never;
type NoticeListener = (paths: ReadonlyArray<QueryPath>, notice: ChangeNotice) => void;

export interface LiveStatusValue {
  status: TRPCSubscriptionStatus;
  /** The connection has started at least once. */
  connected: boolean;
  /** A write of the user is not in its read model yet. */
  syncing: boolean;
}

const LiveContext = createContext<{ live: LiveStatusValue; listeners: Set<NoticeListener> } | null>(null);

export function LiveUpdates({ children }: { children: ReactNode }) {
  const { id: organizationId } = useOrganization();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const ownWrites = useOwnWrites();
  const [connected, setConnected] = useState(false);
  const [removed, setRemoved] = useState(false);
  const [listeners] = useState(() => new Set<NoticeListener>());
  const syncing = useSyncExternalStore(ownWrites.subscribe, () => ownWrites.syncing(organizationId), () => false);

  const subscription = useSubscription(
    trpc.organizations.changes.subscriptionOptions(
      { organizationId },
      {
        enabled: !removed,
        // Notices only tell of changes after the connection starts: what changed between the page's
        // (server) fetch and now is caught up once, on the first start (a reconnect resumes from its last id).
        onStarted: () => {
          if (!connected) void refetchLive(queryClient, organizationId, ALL_LIVE_QUERIES);
          setConnected(true);
        },
        // Removed from the organization while watching: refetch everything, and the page shows it is gone.
        onError: (error) => {
          if (error.data?.code !== 'NOT_FOUND') return;
          setRemoved(true);
          void refetchLive(queryClient, organizationId, ALL_LIVE_QUERIES);
        },
        onData: ({ data }) => {
          const paths = stalePaths(data);
          const held = new Set(ownWrites.holding(organizationId, data).flatMap((projector) => stalePaths({ projector })));
          void refetchLive(queryClient, organizationId, paths.filter((path) => !held.has(path)));
          void ownWrites.observed(organizationId, data);
          for (const listener of listeners) listener(paths, data);
        },
      },
    ),
  );
  const live = { status: subscription.status, connected, syncing };
  return <LiveContext value={{ live, listeners }}>{children}</LiveContext>;
}

function useLiveContext() {
  const context = useContext(LiveContext);
  if (!context) throw new Error('Live updates are used outside an organization page (src/app/o/[slug]/layout.tsx).');
  return context;
}

/** The state of the organization's live connection, for a page's `LiveStatus`. */
export function useLiveStatus(): LiveStatusValue {
  return useLiveContext().live;
}

/** Calls `listener` with every change notice of the organization and the queries it made stale. */
export function useChangeNotices(listener: NoticeListener): void {
  const { listeners } = useLiveContext();
  const latest = useRef(listener);
  useEffect(() => {
    latest.current = listener;
  });
  useEffect(() => {
    const call: NoticeListener = (paths, notice) => latest.current(paths, notice);
    listeners.add(call);
    return () => {
      listeners.delete(call);
    };
  }, [listeners]);
}
