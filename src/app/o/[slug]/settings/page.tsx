import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { auth } from '~/server/auth';
import { HydrateClient, prefetch, trpc } from '~/trpc/server';
import { organizationFor } from '../organization';
import { OrganizationSettings } from './settings-view';

export const metadata: Metadata = { title: 'Organization settings' };

export default async function OrganizationSettingsPage({ params }: { params: Promise<{ slug: string }> }) {
  const [organization, session] = await Promise.all([organizationFor((await params).slug), auth()]);
  if (!organization || !session) notFound();
  const organizationId = organization.id;
  const canManage = organization.role !== 'member';
  await prefetch((q) => [
    q.prefetchQuery(trpc.organizations.get.queryOptions({ organizationId })),
    q.prefetchQuery(trpc.organizations.members.queryOptions({ organizationId })),
    ...(canManage ? [q.prefetchQuery(trpc.organizations.invitations.queryOptions({ organizationId }))] : []),
  ]);
  return (
    <HydrateClient>
      <OrganizationSettings organizationId={organizationId} viewerId={session.user.id} />
    </HydrateClient>
  );
}
