/**
 * What a change notice makes stale, in the router's own words: per projector
 * that tells subscribers, the tRPC query paths that read its tables. The
 * organization's live connection (src/app/o/[slug]/live-updates.tsx)
 * refetches exactly those queries of the organization for each notice, and
 * the event catalogue prints them. A path that is not a query of `AppRouter`
 * does not compile; `test/integration/live-views.test.ts` fails until each of
 * the app's notifying projectors is listed.
 *
 * The browser imports this file: keep it to data and type-only imports.
 *
 * Add a read model that feeds a page: one line in `QUERIES_OF_PROJECTOR`,
 * `<projector name>: ['<router>.<query>', …]`. A new feature whose page
 * updates optimistically also names its read model in `OWN_WRITES_OF_ROUTER`.
 */
import type { inferRouterInputs } from '@trpc/server';
import type { TRPCOptionsProxy } from '@trpc/tanstack-react-query';
import type { AppRouter } from './router';

type Api = TRPCOptionsProxy<AppRouter>;
/** Every query of the app router as a path: `'tasks.board'`. */
export type QueryPath = {
  [R in keyof Api & string]: { [P in keyof Api[R] & string]: Api[R][P] extends { queryOptions: unknown } ? `${R}.${P}` : never }[keyof Api[R] & string];
}[keyof Api & string];
/** A router of the app: `'tasks'`. */
export type RouterName = keyof inferRouterInputs<AppRouter> & string;

/** Per notifying projector: the queries its change notices make stale. */
export const QUERIES_OF_PROJECTOR = {
  directory: ['organizations.get', 'organizations.members', 'organizations.invitations', 'organizations.mine'],
  board: ['tasks.board', 'tasks.projects'],
  activity: ['activity.list'],
  dashboard: ['tasks.dashboard'],
} as const satisfies Readonly<Record<string, ReadonlyArray<QueryPath>>>; // literal tuples: the projector names below

export type LiveProjector = keyof typeof QUERIES_OF_PROJECTOR;

/**
 * Read-your-writes in the browser (src/lib/own-writes.ts): the read model a
 * router's mutations change on screen at once. While such a mutation is in
 * flight, or answered but not yet in that read model, notices do not refetch
 * its queries (they would show a state older than the user's own), and the
 * page says "Syncing…" until that projector's notice covers the write.
 * Mutations of a router not listed here are not held back.
 */
export const OWN_WRITES_OF_ROUTER: Readonly<Partial<Record<RouterName, LiveProjector>>> = {
  organizations: 'directory',
  tasks: 'board',
};

/** Every query a notice can make stale, for a notice that may have changed anything. */
export const ALL_LIVE_QUERIES: ReadonlyArray<QueryPath> = [...new Set(Object.values(QUERIES_OF_PROJECTOR).flat())];

/** The queries one notice makes stale. */
export function stalePaths(notice: { projector: string; reset?: boolean }): ReadonlyArray<QueryPath> {
  // A reset means the notices since the client's last one were trimmed: anything may have changed.
  if (notice.reset) return ALL_LIVE_QUERIES;
  // Own keys only: a projector named like an Object method must not find one. One not listed refreshes everything (safe, if wasteful).
  return isLiveProjector(notice.projector) ? QUERIES_OF_PROJECTOR[notice.projector] : ALL_LIVE_QUERIES;
}

export function isLiveProjector(name: string): name is LiveProjector {
  return Object.hasOwn(QUERIES_OF_PROJECTOR, name);
}

/** The read model whose notices confirm a mutation's write (`'tasks.move'` → `'board'`), or null when its page does not wait for one. */
export function ownWritesProjector(mutationPath: string): LiveProjector | null {
  const router = mutationPath.split('.')[0];
  return Object.entries(OWN_WRITES_OF_ROUTER).find(([name]) => name === router)?.[1] ?? null;
}
