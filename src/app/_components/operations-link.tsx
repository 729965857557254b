'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { Button } from '~/components/ui/button';
import { useTRPC } from '~/trpc/react';

/** The header's link to /operations, shown to operators only (`operations.access`). */
export function OperationsLink() {
  const trpc = useTRPC();
  const access = useQuery(trpc.operations.access.queryOptions());
  if (!access.data?.operator) return null;
  return (
    <Button asChild variant="ghost" size="sm">
      <Link href="/operations">Operations</Link>
    </Button>
  );
}
