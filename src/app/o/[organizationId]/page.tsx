import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { auth } from '~/server/auth';
import { OrganizationView } from './organization-view';

export const metadata: Metadata = { title: 'Organization' };

export default async function OrganizationPage({ params }: { params: Promise<{ organizationId: string }> }) {
  const session = await auth();
  const { organizationId } = await params;
  if (!session) redirect(`/sign-in?callbackUrl=${encodeURIComponent(`/o/${organizationId}`)}`);
  return <OrganizationView organizationId={organizationId} viewerId={session.user.id} />;
}
