import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { auth } from '~/server/auth';
import { Board } from './board';

export const metadata: Metadata = { title: 'Board' };

export default async function BoardPage({ params }: { params: Promise<{ organizationId: string; projectId: string }> }) {
  const session = await auth();
  const { organizationId, projectId } = await params;
  if (!session) redirect(`/sign-in?callbackUrl=${encodeURIComponent(`/o/${organizationId}/p/${projectId}`)}`);
  return <Board organizationId={organizationId} projectId={projectId} />;
}
