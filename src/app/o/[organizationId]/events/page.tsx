import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { auth } from '~/server/auth';
import { EventCatalogue } from './event-catalogue';

export const metadata: Metadata = { title: 'Event catalogue' };

export default async function EventCataloguePage({ params }: { params: Promise<{ organizationId: string }> }) {
  const session = await auth();
  const { organizationId } = await params;
  if (!session) redirect(`/sign-in?callbackUrl=${encodeURIComponent(`/o/${organizationId}/events`)}`);
  return <EventCatalogue organizationId={organizationId} />;
}
