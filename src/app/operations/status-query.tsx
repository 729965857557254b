'use client';
/** Renders `children` with the operations status once loaded; the loading and error states otherwise. */
import type { ReactNode } from 'react';
import type { RouterOutputs } from '~/trpc/react';
import { LoadError, Loading } from './section';
import { useOperationsStatus } from './use-operations-status';

export type OperationsStatus = RouterOutputs['operations']['status'];

export function StatusQuery({ what, children }: { what: string; children: (status: OperationsStatus) => ReactNode }) {
  const status = useOperationsStatus();
  if (status.isPending) return <Loading label={`Loading ${what}`} />;
  // Keep showing the last snapshot when one refresh fails; say so only when there is none.
  if (status.isError && !status.data) return <LoadError what={what} message={status.error.message} />;
  return children(status.data);
}
