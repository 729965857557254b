/**
 * A Next.js route handler serving a tRPC router over fetch: oversized bodies
 * get 413 before anything parses them (or asks who the caller is), then the
 * next-auth session and the app's context. The app's tRPC route uses it; so
 * does the bench-only route of the bench build.
 */
import type { AnyRouter } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { limitBody, MAX_BODY_BYTES } from '~/server/api/body-limit';
import { createContextInner } from '~/server/app/context';
import { auth } from '~/server/auth';

export function trpcRouteHandler(endpoint: string, router: AnyRouter) {
  return async (incoming: Request): Promise<Response> => {
    const req = await limitBody(incoming, MAX_BODY_BYTES);
    if (req instanceof Response) return req;
    return fetchRequestHandler({ endpoint, req, router, createContext: async () => createContextInner({ session: await auth() }) });
  };
}
