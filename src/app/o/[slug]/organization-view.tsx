'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useTRPC } from '~/trpc/react';
import { LiveStatus } from '../../_components/live-indicator';
import { ActivityFeed } from './activity-feed';
import { DashboardSection } from './dashboard';
import { useLiveStatus } from './live-updates';
import { useOrganizationHref } from './organization-context';
import { Projects } from './projects';
import OrganizationNotFound from '../not-found';

/** An organization's home: its projects, the dashboard and the activity feed, live. */
export function OrganizationView({ organizationId }: { organizationId: string }) {
  const trpc = useTRPC();
  const href = useOrganizationHref();
  const org = useQuery(trpc.organizations.get.queryOptions({ organizationId }));
  const live = useLiveStatus();

  if (org.isError) {
    // Removed from the organization while the page was open: the same page as for a stranger.
    return <OrganizationNotFound />;
  }
  const canManage = org.data?.role === 'owner' || org.data?.role === 'admin';

  return (
    <div className="space-y-8">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <Link href="/" className="text-sm text-muted-foreground hover:underline">← All organizations</Link>
          {org.isPending ? (
            <div className="mt-2 h-8 w-48 animate-pulse rounded bg-zinc-200 dark:bg-zinc-800" aria-label="Loading" />
          ) : (
            <h1 className="mt-1 text-2xl font-semibold tracking-tight">{org.data.name}</h1>
          )}
          {org.data && <p className="mt-1 text-sm text-muted-foreground">Your role: <span className="capitalize">{org.data.role}</span></p>}
          <nav aria-label="Organization" className="mt-1 flex gap-4 text-sm font-medium text-blue-700 dark:text-blue-400">
            <Link href={href('/settings')} className="hover:underline">{canManage ? 'Settings and members' : 'Members'}</Link>
            {canManage && <Link href={href('/events')} className="hover:underline">Event catalogue</Link>}
          </nav>
        </div>
        <LiveStatus syncing={live.syncing} status={live.status} connected={live.connected} />
      </div>

      <Projects organizationId={organizationId} />

      <DashboardSection organizationId={organizationId} />

      <ActivityFeed organizationId={organizationId} />
    </div>
  );
}
