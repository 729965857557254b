import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { appRouter } from '~/server/app/router';
import { limitBody, MAX_BODY_BYTES } from '~/server/api/body-limit';
import { createContextInner } from '~/server/app/context';
import { auth } from '~/server/auth';

// Subscriptions are long-lived SSE responses; trpc closes them before this (see SSE in the kernel).
export const maxDuration = 300;
export const dynamic = 'force-dynamic';

async function handler(incoming: Request) {
  // Oversized bodies get 413 before anything parses them (or asks who the caller is).
  const req = await limitBody(incoming, MAX_BODY_BYTES);
  if (req instanceof Response) return req;
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    createContext: async () => createContextInner({ session: await auth() }),
  });
}

export { handler as GET, handler as POST };
