'use client';
import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useState } from 'react';
import { ALL_VIEWS, staleViews, type View } from '~/lib/stale-views';
import { useTRPC } from '~/trpc/react';

/**
 * The page's one live connection: the organization's change notices over SSE
 * (resumed from the last id after a reconnect). Each notice refetches only the
 * queries of the read model that changed; `onChange` hears which views those were.
 */
export function useOrganizationChanges(organizationId: string, opts: { enabled?: boolean; onChange?: (views: ReadonlyArray<View>) => void } = {}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [connected, setConnected] = useState(false);

  const refetch = (views: ReadonlyArray<View>) => {
    const keys = views.flatMap((view): QueryKey[] => {
      switch (view) {
        case 'organization':
          return [
            trpc.organizations.get.queryKey({ organizationId }),
            trpc.organizations.members.queryKey({ organizationId }),
            trpc.organizations.invitations.queryKey({ organizationId }),
            trpc.organizations.mine.queryKey(),
          ];
        case 'board':
          return [trpc.tasks.projects.queryKey({ organizationId }), trpc.tasks.board.queryKey({ organizationId })];
        case 'activity':
          return [trpc.activity.list.infiniteQueryKey({ organizationId })];
        case 'dashboard':
          return [trpc.tasks.dashboard.queryKey({ organizationId })];
      }
    });
    return Promise.all(keys.map((queryKey) => queryClient.invalidateQueries({ queryKey })));
  };

  const subscription = useSubscription(
    trpc.organizations.changes.subscriptionOptions(
      { organizationId },
      {
        enabled: opts.enabled ?? true,
        onStarted: () => setConnected(true),
        // Removed from the organization while watching: refetch, and the page shows it is gone.
        onError: (error) => {
          if (error.data?.code === 'NOT_FOUND') void refetch(ALL_VIEWS);
        },
        onData: ({ data }) => {
          const views = staleViews(data);
          opts.onChange?.(views);
          void refetch(views);
        },
      },
    ),
  );
  return { status: subscription.status, connected, refetch };
}
