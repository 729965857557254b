import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { auth } from '~/server/auth';
import { HydrateClient, prefetch, trpc } from '~/trpc/server';
import { AccountSettings } from './account-settings';

export const metadata: Metadata = { title: 'Your account' };

/** The signed-in person's own account: profile, sessions, and deleting it. */
export default async function SettingsPage() {
  if (!(await auth())) redirect(`/sign-in?callbackUrl=${encodeURIComponent('/settings')}`);
  await prefetch((q) => [q.prefetchQuery(trpc.account.get.queryOptions())]);
  return (
    <HydrateClient>
      <AccountSettings />
    </HydrateClient>
  );
}
