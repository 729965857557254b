import type { Metadata } from 'next';
import { notFound, redirect } from 'next/navigation';
import { auth, enabledProviders } from '~/server/auth';
import { Mailbox } from './mailbox';

export const metadata: Metadata = { title: 'Development mailbox' };

/** Mails the app "sent" to the signed-in user; exists only with the development sign-in on. */
export default async function MailboxPage() {
  if (!enabledProviders.dev) notFound();
  const session = await auth();
  if (!session) redirect(`/sign-in?${new URLSearchParams({ callbackUrl: '/dev/mailbox' })}`);
  return <Mailbox email={session.user.email} />;
}
