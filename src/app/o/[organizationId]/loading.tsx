/** Shown while an organization's page (or a board under it) loads: the title, then the cards it will hold. */
import { Skeleton } from '~/components/ui/skeleton';

export default function OrganizationLoading() {
  return (
    <div className="space-y-8" aria-busy="true" aria-label="Loading the organization">
      <div className="space-y-2">
        <Skeleton className="h-4 w-32" />
        <Skeleton className="h-8 w-56" />
        <Skeleton className="h-4 w-28" />
      </div>
      <Skeleton className="h-32 w-full rounded-xl" />
      <div className="grid gap-4 sm:grid-cols-3">
        {[0, 1, 2].map((i) => (
          <Skeleton key={i} className="h-24 rounded-xl" />
        ))}
      </div>
      <Skeleton className="h-48 w-full rounded-xl" />
    </div>
  );
}
