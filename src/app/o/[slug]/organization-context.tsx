'use client';
/**
 * The organization of the pages under /o/<slug>, as the layout resolved it:
 * its id (what every procedure takes) and its slug (what every link uses).
 */
import { createContext, useContext, type ReactNode } from 'react';
import type { RouterOutputs } from '~/trpc/react';

export type CurrentOrganization = RouterOutputs['organizations']['resolve'];

const OrganizationContext = createContext<CurrentOrganization | null>(null);

export function OrganizationProvider({ organization, children }: { organization: CurrentOrganization; children: ReactNode }) {
  return <OrganizationContext value={organization}>{children}</OrganizationContext>;
}

/** The current organization; only inside /o/<slug>. */
export function useOrganization(): CurrentOrganization {
  const organization = useContext(OrganizationContext);
  if (!organization) throw new Error('useOrganization is used outside an organization page (src/app/o/[slug]/layout.tsx).');
  return organization;
}

/** The path of a page of the current organization: `href('/p/…')`. */
export function useOrganizationHref(): (path?: string) => string {
  const { slug } = useOrganization();
  return (path = '') => `/o/${slug}${path}`;
}
