'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useTRPC } from '~/trpc/react';

/** The header's link to /operations, shown to operators only (`operations.access`). */
export function OperationsLink() {
  const trpc = useTRPC();
  const access = useQuery(trpc.operations.access.queryOptions());
  if (!access.data?.operator) return null;
  return (
    <Link href="/operations" className="rounded-lg px-2 py-1 text-sm font-medium text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800">
      Operations
    </Link>
  );
}
