'use client';
import { useQuery } from '@tanstack/react-query';
import { usePathname, useRouter } from 'next/navigation';
import { useTRPC } from '~/trpc/react';

/** Jump between the signed-in user's organizations from any page. */
export function OrganizationSwitcher() {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const mine = useQuery(trpc.organizations.mine.queryOptions());
  if (!mine.data || mine.data.length === 0) return null;
  const current = /^\/o\/([^/]+)/.exec(pathname)?.[1] ?? '';
  return (
    <div className="ml-auto">
      <label htmlFor="org-switcher" className="sr-only">Switch organization</label>
      <select
        id="org-switcher"
        value={mine.data.some((o) => o.slug === current) ? current : ''}
        onChange={(e) => router.push(e.target.value ? `/o/${e.target.value}` : '/')}
        className="h-9 max-w-56 truncate rounded-lg bg-white px-2 text-sm ring-1 ring-zinc-300 dark:bg-zinc-900 dark:ring-zinc-700"
      >
        <option value="">All organizations</option>
        {mine.data.map((o) => (
          <option key={o.id} value={o.slug}>{o.name}</option>
        ))}
      </select>
    </div>
  );
}
