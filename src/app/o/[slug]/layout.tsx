/**
 * Every page of an organization: signs the visitor in first (and back to the
 * same page), answers 404 to anyone who is not a member, sends old id URLs
 * to the slug URL, and hands the pages the organization and its one live
 * connection (./live-updates.tsx).
 */
import { headers } from 'next/headers';
import { notFound, redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { PATH_HEADER } from '~/proxy';
import { auth } from '~/server/auth';
import { HydrateClient } from '~/trpc/server';
import { organizationFor } from './organization';
import { LiveUpdates } from './live-updates';
import { OrganizationProvider } from './organization-context';

export default async function OrganizationLayout({ children, params }: { children: ReactNode; params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const path = (await headers()).get(PATH_HEADER) ?? `/o/${slug}`;
  if (!(await auth())) redirect(`/sign-in?callbackUrl=${encodeURIComponent(path)}`);
  const organization = await organizationFor(slug);
  if (!organization) notFound();
  if (organization.slug !== slug) redirect(`/o/${organization.slug}${path.slice(`/o/${slug}`.length)}`);
  return (
    <HydrateClient>
      <OrganizationProvider organization={organization}>
        {/* One per organization: its state (a removal seen) never carries over to another. */}
        <LiveUpdates key={organization.id}>{children}</LiveUpdates>
      </OrganizationProvider>
    </HydrateClient>
  );
}
