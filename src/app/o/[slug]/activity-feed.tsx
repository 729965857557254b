'use client';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Button } from '~/components/ui/button';
import { Card } from '~/components/ui/card';
import { ACTIVITY_PAGE } from '~/lib/activity';
import { Skeleton } from '~/components/ui/skeleton';
import { useTRPC } from '~/trpc/react';

const time = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const PAGE = ACTIVITY_PAGE;

/** Who did what and when in the organization, newest first, twenty at a time. */
export function ActivityFeed({ organizationId }: { organizationId: string }) {
  return (
    <Card className="space-y-4">
      <h2 className="text-lg font-semibold">Activity</h2>
      <ActivityList organizationId={organizationId} label="Activity" />
    </Card>
  );
}

/**
 * The feed itself, for the whole organization or, with `taskId`, one task's history.
 * Live updates arrive by the page invalidating `activity.list` on change notices.
 */
export function ActivityList({ organizationId, taskId, label }: { organizationId: string; taskId?: string; label: string }) {
  const trpc = useTRPC();
  const feed = useInfiniteQuery(
    trpc.activity.list.infiniteQueryOptions(
      taskId ? { organizationId, taskId, limit: PAGE } : { organizationId, limit: PAGE },
      { getNextPageParam: (page) => page.next ?? undefined },
    ),
  );
  const items = feed.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div className="space-y-4">
      {feed.isPending ? (
        <div className="space-y-2" aria-busy="true" aria-label={`Loading ${label.toLowerCase()}`}>
          {[0, 1, 2].map((i) => <Skeleton key={i} className="h-5" />)}
        </div>
      ) : feed.isError ? (
        <p role="alert" className="text-sm text-destructive">{feed.error.message}</p>
      ) : items.length === 0 ? (
        <p className="text-sm text-muted-foreground">Nothing has happened yet.</p>
      ) : (
        <ol className="space-y-2" aria-label={label}>
          {items.map((item) => (
            <li key={item.id} className="flex flex-wrap items-baseline justify-between gap-x-4 text-sm">
              <span>
                <span className="font-medium">{item.actor}</span> {item.summary}
              </span>
              <time dateTime={item.occurredAt.toISOString()} className="text-xs text-muted-foreground">{time.format(item.occurredAt)}</time>
            </li>
          ))}
        </ol>
      )}
      {feed.hasNextPage && (
        <Button variant="secondary" disabled={feed.isFetchingNextPage} onClick={() => void feed.fetchNextPage()}>
          {feed.isFetchingNextPage ? 'Loading…' : 'Show older'}
        </Button>
      )}
    </div>
  );
}
