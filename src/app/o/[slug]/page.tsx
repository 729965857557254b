import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { ACTIVITY_PAGE } from '~/lib/activity';
import { HydrateClient, prefetch, trpc } from '~/trpc/server';
import { organizationFor } from './organization';
import { OrganizationView } from './organization-view';

export const metadata: Metadata = { title: 'Organization' };

export default async function OrganizationPage({ params }: { params: Promise<{ slug: string }> }) {
  const organization = await organizationFor((await params).slug);
  if (!organization) notFound();
  const organizationId = organization.id;
  await prefetch((q) => [
    q.prefetchQuery(trpc.organizations.get.queryOptions({ organizationId })),
    q.prefetchQuery(trpc.tasks.projects.queryOptions({ organizationId })),
    q.prefetchQuery(trpc.tasks.dashboard.queryOptions({ organizationId })),
    q.prefetchInfiniteQuery(trpc.activity.list.infiniteQueryOptions({ organizationId, limit: ACTIVITY_PAGE }, { getNextPageParam: (page) => page.next ?? undefined })),
  ]);
  return (
    <HydrateClient>
      <OrganizationView organizationId={organizationId} />
    </HydrateClient>
  );
}
