import 'server-only';
/**
 * The organization of a page under /o/<slug>, found once per request (React
 * `cache`) and shared by the layout and the page; its answer is also in the
 * request's query client, so the browser does not ask again.
 */
import { TRPCError } from '@trpc/server';
import { cache } from 'react';
import { getQueryClient, trpc } from '~/trpc/server';

export const organizationFor = cache(async (slugOrId: string) => {
  try {
    return await getQueryClient().fetchQuery(trpc.organizations.resolve.queryOptions({ slugOrId }));
  } catch (error) {
    if (error instanceof TRPCError && error.code === 'NOT_FOUND') return null;
    throw error;
  }
});
