import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { HydrateClient, prefetch, trpc } from '~/trpc/server';
import { organizationFor } from '../organization';
import { EventCatalogue } from './event-catalogue';

export const metadata: Metadata = { title: 'Event catalogue' };

export default async function EventCataloguePage({ params }: { params: Promise<{ slug: string }> }) {
  const organization = await organizationFor((await params).slug);
  if (!organization) notFound();
  const organizationId = organization.id;
  if (organization.role !== 'member') await prefetch((q) => [q.prefetchQuery(trpc.catalogue.events.queryOptions({ organizationId }))]);
  return (
    <HydrateClient>
      <EventCatalogue organizationId={organizationId} />
    </HydrateClient>
  );
}
