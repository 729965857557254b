'use client';
/**
 * The browser's tRPC client. Queries and mutations go over one batched,
 * streamed HTTP link; subscriptions over server-sent events. Components use
 * `useTRPC()` with TanStack Query: `useQuery(trpc.system.ping.queryOptions())`.
 * Every mutation is followed for read-your-writes here (./read-your-writes.ts).
 */
import { MutationCache, QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import {
  createTRPCClient,
  httpBatchStreamLink,
  httpSubscriptionLink,
  loggerLink,
  splitLink,
} from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { useState, type ReactNode } from 'react';
import superjson from 'superjson';
import { toast } from 'sonner';
import type { AppRouter } from '~/server/app/router';
import { describeError, hasFieldErrors } from './errors';
import { makeQueryClient } from './query-client';
import { OwnWritesContext, ownWritesCallbacks, ownWritesFor } from './read-your-writes';
import type { OwnWritesTracker } from '~/lib/own-writes';

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

declare module '@tanstack/react-query' {
  interface Register {
    mutationMeta: {
      /** The form shows field errors next to its fields: toast only the other failures. */
      fieldErrorsInline?: boolean;
    };
  }
}

/**
 * Every failed mutation becomes one error toast, in one place; and the user's
 * own writes are followed until their read models have them (read-your-writes).
 */
const mutationCache = (ownWrites: OwnWritesTracker) =>
  new MutationCache({
    ...ownWritesCallbacks(ownWrites),
    onError: (error, _variables, _context, mutation) => {
      if (mutation.meta?.fieldErrorsInline && hasFieldErrors(error)) return;
      const { title, description } = describeError(error);
      toast.error(title, { description });
    },
  });

let browserClients: { queryClient: QueryClient; ownWrites: OwnWritesTracker } | undefined;
function getClients(): { queryClient: QueryClient; ownWrites: OwnWritesTracker } {
  if (typeof window === 'undefined') {
    // A fresh one per server render, where nothing is written.
    const queryClient = makeQueryClient();
    return { queryClient, ownWrites: ownWritesFor(() => queryClient) };
  }
  if (!browserClients) {
    const ownWrites = ownWritesFor(() => queryClient);
    const queryClient = makeQueryClient({ mutationCache: mutationCache(ownWrites) });
    browserClients = { queryClient, ownWrites };
  }
  return browserClients;
}

const url = '/api/trpc';

export function TRPCReactProvider({ children }: { children: ReactNode }) {
  const { queryClient, ownWrites } = getClients();
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        loggerLink({
          enabled: (op) =>
            process.env.NODE_ENV === 'development' || (op.direction === 'down' && op.result instanceof Error),
        }),
        splitLink({
          condition: (op) => op.type === 'subscription',
          true: httpSubscriptionLink({ url, transformer: superjson }),
          false: httpBatchStreamLink({ url, transformer: superjson }),
        }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <OwnWritesContext value={ownWrites}>{children}</OwnWritesContext>
      </TRPCProvider>
    </QueryClientProvider>
  );
}
