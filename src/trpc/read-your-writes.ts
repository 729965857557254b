/**
 * Read-your-writes for every mutation of the browser, wired once into the
 * query client's MutationCache (./react.tsx), so pages' mutations need no
 * hooks of their own: a mutation of a router listed in `OWN_WRITES_OF_ROUTER`
 * (src/server/app/live-queries.ts) with an `organizationId` in its input is
 * counted while in flight, its answer (`position`, `settled`) is kept until a
 * notice covers it, and its read model's queries are refetched once nothing
 * of the user's is pending (see src/lib/own-writes.ts). Also the one way live
 * updates refetch queries: `refetchLive`.
 *
 * Edit this file to change which mutations count, or how queries are matched.
 */
import type { MutationCacheConfig, Query, QueryClient, QueryFilters } from '@tanstack/react-query';
import { createContext, useContext } from 'react';
import { z } from 'zod';
import { createOwnWritesTracker, type OwnWritesTracker, type WriteTarget } from '~/lib/own-writes';
import { ownWritesProjector, stalePaths } from '~/server/app/live-queries';

/** A tRPC key, `[['tasks', 'board'], { input, type }]` (query) or `[['tasks', 'move']]` (mutation). */
const trpcKey = z.tuple([z.array(z.string())]).rest(z.unknown());
const scopedKey = z.tuple([z.array(z.string()), z.object({ input: z.object({ organizationId: z.string() }) })]).rest(z.unknown());
const organizationInput = z.object({ organizationId: z.string() });
const commandResult = z.object({ settled: z.boolean(), position: z.object({ partition: z.number(), id: z.string() }).nullable() });

/**
 * The cached queries of one path (the key `trpc.<path>.pathFilter()` matches,
 * any input) that may belong to the organization: those whose input names
 * another organization are left alone.
 */
export function liveQueryFilter(path: string, organizationId: string): QueryFilters {
  return {
    queryKey: [path.split('.')],
    predicate: (query: Query) => {
      const scoped = scopedKey.safeParse(query.queryKey);
      return !scoped.success || scoped.data[1].input.organizationId === organizationId;
    },
  };
}

/** Invalidates the organization's queries of `paths`: active ones refetch, the rest are only marked stale. */
export function refetchLive(queryClient: QueryClient, organizationId: string, paths: ReadonlyArray<string>): Promise<unknown> {
  return Promise.all(paths.map((path) => queryClient.invalidateQueries(liveQueryFilter(path, organizationId))));
}

/** Which organization's read model a mutation writes to, or null when read-your-writes does not follow it. */
export function writeTargetOf(mutationKey: unknown, variables: unknown): WriteTarget | null {
  const key = trpcKey.safeParse(mutationKey);
  const projector = key.success ? ownWritesProjector(key.data[0].join('.')) : null;
  const input = organizationInput.safeParse(variables);
  return projector && input.success ? { organizationId: input.data.organizationId, projector } : null;
}

/**
 * The MutationCache callbacks. They run before each mutation's own (its
 * onMutate sees the write counted) and return nothing to wait for: a refetch
 * never delays a mutation's answer.
 */
export function ownWritesCallbacks(ownWrites: OwnWritesTracker): Pick<MutationCacheConfig, 'onMutate' | 'onSuccess' | 'onSettled'> {
  return {
    onMutate: (variables, mutation) => {
      const target = writeTargetOf(mutation.options.mutationKey, variables);
      if (target) ownWrites.started(target);
    },
    onSuccess: (data, variables, _context, mutation) => {
      const target = writeTargetOf(mutation.options.mutationKey, variables);
      // Not a command's answer (no position): nothing to confirm, the refetch once quiet shows it.
      const result = commandResult.safeParse(data);
      if (target) ownWrites.written(target, result.success ? result.data : { settled: true, position: null });
    },
    onSettled: (_data, _error, variables, _context, mutation) => {
      const target = writeTargetOf(mutation.options.mutationKey, variables);
      if (target) void ownWrites.finished(target);
    },
  };
}

/** The tracker of a query client: its read model's queries refetched through `refetchLive`. */
export function ownWritesFor(queryClient: () => QueryClient): OwnWritesTracker {
  return createOwnWritesTracker({ refetch: ({ organizationId, projector }) => refetchLive(queryClient(), organizationId, stalePaths({ projector })) });
}

export const OwnWritesContext = createContext<OwnWritesTracker | null>(null);

/** The browser's read-your-writes tracker (given by TRPCReactProvider). */
export function useOwnWrites(): OwnWritesTracker {
  const ownWrites = useContext(OwnWritesContext);
  if (!ownWrites) throw new Error('useOwnWrites is used outside TRPCReactProvider (src/trpc/react.tsx).');
  return ownWrites;
}
