'use client';
import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useState } from 'react';
import { ALL_VIEWS, staleViews, type View } from '~/lib/stale-views';
import { useTRPC, type RouterOutputs } from '~/trpc/react';

/** One change notice as the subscription delivers it (the data of a tracked event). */
export type ChangeNotice = RouterOutputs['organizations']['changes'] extends AsyncIterable<{ data: infer N }> ? N : never;

/**
 * The page's one live connection: the organization's change notices over SSE
 * (resumed from the last id after a reconnect). Each notice refetches only the
 * queries of the read model that changed, except views `hold` names for it (a
 * page waiting for its own write refetches those itself); `onChange` hears every notice.
 */
export function useOrganizationChanges(
  organizationId: string,
  opts: { enabled?: boolean; hold?: (notice: ChangeNotice) => ReadonlyArray<View>; onChange?: (views: ReadonlyArray<View>, notice: ChangeNotice) => void } = {},
) {
  const trpc = useTRPC();
  const refetch = useRefetchViews(organizationId);
  const [connected, setConnected] = useState(false);

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
          const held = opts.hold?.(data) ?? [];
          void refetch(views.filter((view) => !held.includes(view)));
          opts.onChange?.(views, data);
        },
      },
    ),
  );
  return { status: subscription.status, connected, refetch };
}

/** Refetches the queries behind the given views of an organization's pages (inactive ones are only marked stale). */
export function useRefetchViews(organizationId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();

  const refetch = (views: ReadonlyArray<View>) => {
    // One entry per view: a view added to ALL_VIEWS (~/lib/stale-views) is a compile error here until it has its queries.
    const queriesOf: Record<View, () => QueryKey[]> = {
      organization: () => [
        trpc.organizations.get.queryKey({ organizationId }),
        trpc.organizations.members.queryKey({ organizationId }),
        trpc.organizations.invitations.queryKey({ organizationId }),
        trpc.organizations.mine.queryKey(),
      ],
      board: () => [trpc.tasks.projects.queryKey({ organizationId }), trpc.tasks.board.queryKey({ organizationId })],
      activity: () => [trpc.activity.list.infiniteQueryKey({ organizationId })],
      dashboard: () => [trpc.tasks.dashboard.queryKey({ organizationId })],
    };
    const keys = views.flatMap((view) => queriesOf[view]());
    return Promise.all(keys.map((queryKey) => queryClient.invalidateQueries({ queryKey })));
  };
  return refetch;
}
