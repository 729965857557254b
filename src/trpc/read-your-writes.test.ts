/**
 * Read-your-writes wired into a real QueryClient's MutationCache: mutations
 * with no hooks of their own are followed, and only the organization's
 * queries of the written read model wait for the notice that covers the write.
 */
import { MutationCache, QueryClient, QueryObserver } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import type { AppRouter } from '~/server/app/router';
import { liveQueryFilter, ownWritesCallbacks, ownWritesFor, writeTargetOf } from './read-your-writes';

const trpc = createTRPCOptionsProxy<AppRouter>({ client: createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: 'http://127.0.0.1:9/never-called', transformer: superjson })] }), queryClient: new QueryClient() });

/** A query client whose cached board queries (organizations a and b) count their fetches. */
function setup() {
  const ownWrites = ownWritesFor(() => queryClient);
  const queryClient = new QueryClient({ mutationCache: new MutationCache(ownWritesCallbacks(ownWrites)) });
  const fetches = { a: 0, b: 0 };
  const watch = (organization: 'a' | 'b') =>
    new QueryObserver(queryClient, {
      queryKey: trpc.tasks.board.queryKey({ organizationId: organization, projectId: 'p' }),
      queryFn: () => {
        fetches[organization] += 1;
        return { project: { id: 'p', name: 'P' }, tasks: [] };
      },
    }).subscribe(() => undefined);
  watch('a');
  watch('b');
  return { queryClient, ownWrites, fetches };
}
const flush = () => new Promise((resolve) => setTimeout(resolve, 10));
const move = (queryClient: QueryClient, answer: { settled: boolean; position: { partition: number; id: string } }) =>
  queryClient
    .getMutationCache()
    .build(queryClient, { mutationKey: trpc.tasks.move.mutationKey(), mutationFn: async () => ({ id: 't', changed: true, ...answer }) })
    .execute({ organizationId: 'a', taskId: 't' });

describe('read-your-writes in the query client', () => {
  it('matches the keys tRPC gives a path and a mutation', () => {
    expect(liveQueryFilter('tasks.board', 'a').queryKey).toEqual(trpc.tasks.board.pathFilter().queryKey);
    expect(writeTargetOf(trpc.tasks.move.mutationKey(), { organizationId: 'a' })).toEqual({ organizationId: 'a', projector: 'board' });
    expect(writeTargetOf(trpc.operations.retry.mutationKey(), { organizationId: 'a' })).toBeNull();
    expect(writeTargetOf(trpc.tasks.move.mutationKey(), { name: 'no organization' })).toBeNull();
  });

  it('given a write the read model had not reached, then the board waits, syncing, until a board notice covers it; other organizations are left alone', async () => {
    const { queryClient, ownWrites, fetches } = setup();
    await flush();
    expect(fetches).toEqual({ a: 1, b: 1 });

    await move(queryClient, { settled: false, position: { partition: 2, id: '5-0' } });
    await flush();
    expect(ownWrites.syncing('a')).toBe(true);
    expect(ownWrites.syncing('b')).toBe(false);
    expect(fetches).toEqual({ a: 1, b: 1 }); // a refetch now would show the board before the move
    expect(ownWrites.holding('a', { projector: 'board', position: { partition: 2, id: '4-0' } })).toEqual(['board']);
    expect(ownWrites.holding('b', { projector: 'board', position: { partition: 2, id: '4-0' } })).toEqual([]);

    await ownWrites.observed('a', { projector: 'board', position: { partition: 2, id: '5-0' } });
    await flush();
    expect(ownWrites.syncing('a')).toBe(false);
    expect(fetches).toEqual({ a: 2, b: 1 });
  });

  it('given a settled write, then the board refetches once it is answered', async () => {
    const { queryClient, ownWrites, fetches } = setup();
    await flush();
    await move(queryClient, { settled: true, position: { partition: 2, id: '5-0' } });
    await flush();
    expect(ownWrites.syncing('a')).toBe(false);
    expect(fetches).toEqual({ a: 2, b: 1 });
  });
});
