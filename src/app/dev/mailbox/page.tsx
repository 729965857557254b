import type { Metadata } from 'next';
import { notFound, redirect } from 'next/navigation';
import { auth, enabledProviders } from '~/server/auth';
import { Mailbox } from './mailbox';

export const metadata: Metadata = { title: 'Development mailbox' };

/** Mails the app "sent" to the signed-in user; exists only with the development sign-in on. */
export default async function MailboxPage() {
  // auth() first: it reads the request, so the check below runs per request, not once at build time.
  const session = await auth();
  if (!enabledProviders.dev) notFound();
  if (!session) redirect(`/sign-in?${new URLSearchParams({ callbackUrl: '/dev/mailbox' })}`);
  return <Mailbox email={session.user.email} realMail={enabledProviders.email} />;
}
