'use client';
import { useQuery } from '@tanstack/react-query';
import { usePathname, useRouter } from 'next/navigation';
import { Select, SelectContent, SelectItem, SelectSeparator, SelectTrigger, SelectValue } from '~/components/ui/select';
import { useTRPC } from '~/trpc/react';
import { navigationStarted } from './navigation-progress';

/** Radix Select items cannot have an empty value: this one stands for the home page. */
const ALL = '/'; // not a possible slug

/** Jump between the signed-in user's organizations from any page (a combobox named "Switch organization"). */
export function OrganizationSwitcher() {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const mine = useQuery(trpc.organizations.mine.queryOptions());
  if (!mine.data || mine.data.length === 0) return null;
  const current = /^\/o\/([^/]+)/.exec(pathname)?.[1] ?? '';
  return (
    <Select
      value={mine.data.some((o) => o.slug === current) ? current : ALL}
      onValueChange={(slug) => {
        const href = slug === ALL ? '/' : `/o/${slug}`;
        navigationStarted(href);
        router.push(href);
      }}
    >
      <SelectTrigger id="org-switcher" aria-label="Switch organization" size="sm" className="max-w-56">
        <SelectValue />
      </SelectTrigger>
      <SelectContent align="end">
        <SelectItem value={ALL}>All organizations</SelectItem>
        <SelectSeparator />
        {mine.data.map((o) => (
          <SelectItem key={o.id} value={o.slug}>
            {o.name}
          </SelectItem>
        ))}
      </SelectContent>
    </Select>
  );
}
