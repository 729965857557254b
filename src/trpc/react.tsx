'use client';
/**
 * The browser's tRPC client. Queries and mutations go over one batched,
 * streamed HTTP link; subscriptions over server-sent events. Components use
 * `useTRPC()` with TanStack Query: `useQuery(trpc.system.ping.queryOptions())`.
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

/** Every failed mutation becomes one error toast, in one place; components only decide what to refresh. */
const mutationCache = () =>
  new MutationCache({
    onError: (error, _variables, _context, mutation) => {
      if (mutation.meta?.fieldErrorsInline && hasFieldErrors(error)) return;
      const { title, description } = describeError(error);
      toast.error(title, { description });
    },
  });

let browserQueryClient: QueryClient | undefined;
function getQueryClient(): QueryClient {
  if (typeof window === 'undefined') return makeQueryClient(); // a fresh one per server render
  return (browserQueryClient ??= makeQueryClient({ mutationCache: mutationCache() }));
}

const url = '/api/trpc';

export function TRPCReactProvider({ children }: { children: ReactNode }) {
  const queryClient = getQueryClient();
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
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
