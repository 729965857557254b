import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { auth } from '~/server/auth';
import { AcceptInvitation } from './accept-invitation';

export const metadata: Metadata = { title: 'Invitation' };

export default async function InvitationPage({
  params,
  searchParams,
}: {
  params: Promise<{ organizationId: string; invitationId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { organizationId, invitationId } = await params;
  const { token } = await searchParams;
  const session = await auth();
  if (!session) {
    const back = `/invite/${encodeURIComponent(organizationId)}/${encodeURIComponent(invitationId)}?${new URLSearchParams({ token: typeof token === 'string' ? token : '' })}`;
    redirect(`/sign-in?${new URLSearchParams({ callbackUrl: back })}`);
  }
  return (
    <AcceptInvitation
      organizationId={organizationId}
      invitationId={invitationId}
      token={typeof token === 'string' ? token : ''}
      email={session.user.email}
    />
  );
}
