import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { appRouter } from '~/server/api/root';
import { createContextInner } from '~/server/api/trpc';
import { auth } from '~/server/auth';

// Subscriptions are long-lived SSE responses; trpc closes them before this (see SSE in the kernel).
export const maxDuration = 300;
export const dynamic = 'force-dynamic';

function handler(req: Request) {
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    createContext: async () => createContextInner({ session: await auth() }),
  });
}

export { handler as GET, handler as POST };
