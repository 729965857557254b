import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { HydrateClient, prefetch, trpc } from '~/trpc/server';
import { organizationFor } from '../../organization';
import { Board } from './board/board';

export const metadata: Metadata = { title: 'Board' };

export default async function BoardPage({ params }: { params: Promise<{ slug: string; projectId: string }> }) {
  const { slug, projectId } = await params;
  const organization = await organizationFor(slug);
  if (!organization) notFound();
  const organizationId = organization.id;
  await prefetch((q) => [q.prefetchQuery(trpc.tasks.board.queryOptions({ organizationId, projectId })), q.prefetchQuery(trpc.organizations.members.queryOptions({ organizationId }))]);
  return (
    <HydrateClient>
      <Board organizationId={organizationId} projectId={projectId} />
    </HydrateClient>
  );
}
