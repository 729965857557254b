import { defaultShouldDehydrateQuery, QueryClient, type MutationCache } from '@tanstack/react-query';
import { TRPCClientError } from '@trpc/client';
import superjson from 'superjson';
import { z } from 'zod';

function isClientError(error: unknown): boolean {
  const status = error instanceof TRPCClientError ? z.object({ httpStatus: z.number() }).safeParse(error.data).data?.httpStatus : undefined;
  return status !== undefined && status >= 400 && status < 500;
}

/** One QueryClient per request on the server, one per tab in the browser. */
export function makeQueryClient(options: { mutationCache?: MutationCache } = {}): QueryClient {
  return new QueryClient({
    mutationCache: options.mutationCache,
    defaultOptions: {
      queries: {
        // Live data arrives through the subscription; refetching on every focus adds nothing.
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        // A 4xx (not found, forbidden, bad input) will not change on retry: show it at once.
        retry: (failures, error) => failures < 3 && !isClientError(error),
      },
      dehydrate: {
        serializeData: superjson.serialize,
        // Stream pending server prefetches to the client instead of waiting for them.
        shouldDehydrateQuery: (query) => defaultShouldDehydrateQuery(query) || query.state.status === 'pending',
      },
      hydrate: { deserializeData: superjson.deserialize },
    },
  });
}
