import 'server-only';
/**
 * tRPC for React Server Components: ``void getQueryClient().prefetchQuery(trpc.x.queryOptions())``
 * in a page, wrap the client part in <HydrateClient>, and the client reads the
 * prefetched data without a second round trip. Calls go straight to the
 * router in-process, not over HTTP.
 */
import { dehydrate, HydrationBoundary, type QueryClient } from '@tanstack/react-query';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { cache, type ReactNode } from 'react';
import { appRouter } from '~/server/app/router';
import { createContextInner } from '~/server/app/context';
import { auth } from '~/server/auth';
import { makeQueryClient } from './query-client';

export const getQueryClient = cache(makeQueryClient);

export const trpc = createTRPCOptionsProxy({
  ctx: async () => createContextInner({ session: await auth() }),
  router: appRouter,
  queryClient: getQueryClient,
});

/**
 * Runs a page's queries on the server (`prefetch((q) => [q.prefetchQuery(trpc.x.queryOptions(input))])`) before it renders, so its HTML already
 * holds their data (no skeleton flash). A failed query is left to the client,
 * which shows its own error state.
 */
export async function prefetch(queries: (client: QueryClient) => ReadonlyArray<Promise<void>>): Promise<void> {
  await Promise.all(queries(getQueryClient()));
}

export function HydrateClient({ children }: { children: ReactNode }) {
  return <HydrationBoundary state={dehydrate(getQueryClient())}>{children}</HydrationBoundary>;
}
