import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { auth } from '~/server/auth';
import { getQueryClient, trpc } from '~/trpc/server';
import { OperationsView } from './operations-view';

export const metadata: Metadata = { title: 'Operations' };

/**
 * The operations page, for operators only (OPERATORS, or owners of
 * OPERATOR_ORGANIZATION_ID). Everyone else, signed in or not, gets the app's
 * not-found page, as the operations procedures answer NOT_FOUND: the page
 * does not announce itself.
 */
export default async function OperationsPage() {
  const session = await auth();
  if (!session) notFound();
  const { operator } = await getQueryClient().fetchQuery(trpc.operations.access.queryOptions());
  if (!operator) notFound();
  return <OperationsView />;
}
