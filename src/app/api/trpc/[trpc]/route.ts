import { trpcRouteHandler } from '~/server/app/trpc-route';
import { appRouter } from '~/server/app/router';

// Subscriptions are long-lived SSE responses; trpc closes them before this (see SSE in the kernel).
export const maxDuration = 300;
export const dynamic = 'force-dynamic';

const handler = trpcRouteHandler('/api/trpc', appRouter);

export { handler as GET, handler as POST };
