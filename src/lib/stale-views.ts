/**
 * Which parts of a page a change notice makes stale. Each projector owns one
 * read model, so its notices say exactly which queries to refetch; the rest of
 * the page stays as it is. A projector missing here refreshes everything (safe,
 * if wasteful); `test/integration/live-views.test.ts` fails until each of the
 * app's projectors is mapped.
 */
/**
 * Every view, and so the `View` type. Add one here, and the compiler asks for
 * its queries in `useRefetchViews` (src/app/o/[organizationId]/use-organization-changes.ts).
 */
export const ALL_VIEWS = ['organization', 'board', 'activity', 'dashboard'] as const; // a tuple of literals: the View type below
export type View = (typeof ALL_VIEWS)[number];

const VIEWS_OF_PROJECTOR: Readonly<Record<string, ReadonlyArray<View>>> = {
  directory: ['organization'],
  board: ['board'],
  activity: ['activity'],
  dashboard: ['dashboard'],
};

export function staleViews(notice: { projector: string; reset?: boolean }): ReadonlyArray<View> {
  // A reset means the notices since the client's last one were trimmed: anything may have changed.
  if (notice.reset) return ALL_VIEWS;
  // Own keys only: a projector named like an Object method must not find one.
  const views = Object.hasOwn(VIEWS_OF_PROJECTOR, notice.projector) ? VIEWS_OF_PROJECTOR[notice.projector] : undefined;
  return views ?? ALL_VIEWS;
}
