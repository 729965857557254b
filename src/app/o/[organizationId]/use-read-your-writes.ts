'use client';
import { useState } from 'react';
import { createOwnWrites } from '~/lib/own-writes';
import type { View } from '~/lib/stale-views';

/**
 * Read-your-writes for one view of a page (see `createOwnWrites`): wire
 * `started`, `written` and `finished` to each mutation's onMutate, onSuccess and
 * onSettled, and `hold` and `observed` to the page's live connection; `syncing`
 * is true while a write of this user is not in the read model yet.
 *
 * `refetch` is taken once: it must not depend on render state (query
 * invalidation by key does not).
 */
export function useReadYourWrites(target: { view: View; projector: string }, refetch: () => Promise<unknown>) {
  const [syncing, setSyncing] = useState(false);
  const [machine] = useState(() => createOwnWrites({ ...target, refetch, onSyncing: setSyncing }));
  return { syncing, ...machine };
}
