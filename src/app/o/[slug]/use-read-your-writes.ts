'use client';
import { useState } from 'react';
import { createOwnWrites } from '~/lib/own-writes';
import type { View } from '~/lib/stale-views';

/**
 * Read-your-writes for one view of a page (see `createOwnWrites`): spread
 * `mutationHooks` into each mutation's options, and pass `hold` and `observed`
 * to the page's live connection; `syncing`
 * is true while a write of this user is not in the read model yet.
 *
 * `refetch` is taken once: it must not depend on render state (query
 * invalidation by key does not).
 */
export function useReadYourWrites(target: { view: View; projector: string }, refetch: () => Promise<unknown>) {
  const [syncing, setSyncing] = useState(false);
  const [machine] = useState(() => createOwnWrites({ ...target, refetch, onSyncing: setSyncing }));
  // Spread into a mutation's options; a mutation with its own onMutate calls `started` itself.
  const mutationHooks = { onMutate: machine.started, onSuccess: machine.written, onSettled: machine.finished };
  return { syncing, mutationHooks, ...machine };
}
