'use client';
/**
 * The operations status, refetched every 2 s while the page is visible.
 * Polling rather than a subscription: the status is a snapshot computed from
 * Redis and Postgres on request either way, and a query holds no connection
 * open (an SSE stream keeps a serverless function busy and takes one of the
 * browser's few connections per origin), pauses in a hidden tab by itself,
 * and a retry or skip refreshes it at once by invalidating it. Every section
 * calls this hook; TanStack Query makes it one request per refresh.
 */
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '~/trpc/react';

export const REFRESH_MS = 2_000;

export function useOperationsStatus() {
  const trpc = useTRPC();
  return useQuery(trpc.operations.status.queryOptions(undefined, { refetchInterval: REFRESH_MS }));
}
