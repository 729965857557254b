'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { Button } from '~/components/ui/button';
import { Input } from '~/components/ui/input';
import { Label } from '~/components/ui/label';
import { Skeleton } from '~/components/ui/skeleton';
import { useTRPC, type RouterOutputs } from '~/trpc/react';
import { EventEntry } from './event-entry';
import { useOrganizationHref } from '../organization-context';

type Entry = RouterOutputs['catalogue']['events']['events'][number];

/** Whether an entry mentions `query` in its type, description, aggregate, fields or readers. */
function matches(entry: Entry, query: string): boolean {
  const needle = query.trim().toLowerCase();
  if (needle === '') return true;
  const haystack = [entry.type, entry.description, entry.aggregate, ...entry.fields.map((f) => f.name), ...entry.projectors, ...entry.reactors, ...entry.views];
  return haystack.some((text) => text.toLowerCase().includes(needle));
}

/**
 * The event catalogue for owners and admins: every event type the app
 * records, generated from the code (the same as `npm run catalogue`).
 */
export function EventCatalogue({ organizationId }: { organizationId: string }) {
  const trpc = useTRPC();
  const href = useOrganizationHref();
  const catalogue = useQuery(trpc.catalogue.events.queryOptions({ organizationId }));
  const [query, setQuery] = useState('');
  const back = (
    <Link href={href()} className="text-sm text-muted-foreground hover:underline">← Organization</Link>
  );

  if (catalogue.isError) {
    const code = catalogue.error.data?.code;
    return (
      <div className="py-16 text-center">
        <h1 className="text-xl font-semibold">{code === 'NOT_FOUND' ? 'Organization not found' : 'The event catalogue could not be loaded'}</h1>
        <p role="alert" className="mt-2 text-sm text-muted-foreground">
          {code === 'NOT_FOUND'
            ? 'It does not exist, or you are not a member.'
            : code === 'FORBIDDEN'
              ? 'Only owners and admins of this organization can see its event catalogue.'
              : catalogue.error.message}
        </p>
        <div className="mt-6 flex items-center justify-center gap-4">
          {code !== 'NOT_FOUND' && code !== 'FORBIDDEN' && <Button variant="secondary" onClick={() => void catalogue.refetch()}>Try again</Button>}
          <Link href={code === 'NOT_FOUND' ? '/' : href()} className="text-sm font-medium text-blue-700 dark:text-blue-400 hover:underline">
            {code === 'NOT_FOUND' ? 'Back to your organizations' : 'Back to the organization'}
          </Link>
        </div>
      </div>
    );
  }

  const shown = catalogue.data?.events.filter((entry) => matches(entry, query)) ?? [];
  return (
    <div className="space-y-8">
      <div className="space-y-2">
        {back}
        <h1 className="text-2xl font-semibold tracking-tight">Event catalogue</h1>
        <p className="max-w-2xl text-sm text-muted-foreground">
          Every event type the app records, with its schema, an example and what reads it, generated from the code.{' '}
          <code className="rounded bg-muted px-1 py-0.5 text-xs text-foreground">npm run catalogue</code> prints the same as Markdown.
        </p>
      </div>

      {catalogue.isPending ? (
        <div aria-busy="true" aria-label="Loading the event catalogue" className="space-y-4">
          {[0, 1, 2].map((i) => <Skeleton key={i} className="h-40 rounded-xl" />)}
        </div>
      ) : catalogue.data.events.length === 0 ? (
        <p className="text-sm text-muted-foreground">No event types are registered yet.</p>
      ) : (
        <>
          <div className="flex flex-wrap items-end justify-between gap-4">
            <div className="w-full max-w-sm space-y-2">
              <Label htmlFor="event-filter">Filter</Label>
              <Input id="event-filter" type="search" placeholder="Type, field, projector or view" value={query} onChange={(e) => setQuery(e.target.value)} />
            </div>
            <p className="text-sm text-muted-foreground" aria-live="polite">
              {shown.length === catalogue.data.events.length ? `${shown.length} event types` : `${shown.length} of ${catalogue.data.events.length} event types`}
              {catalogue.data.everyEvent.length > 0 && <> · every one is also read by {catalogue.data.everyEvent.join(', ')}</>}
            </p>
          </div>
          {shown.length === 0 ? (
            <p className="text-sm text-muted-foreground">No event type matches “{query.trim()}”.</p>
          ) : (
            <ul className="space-y-4" aria-label="Event types">
              {shown.map((entry) => <li key={entry.type}><EventEntry entry={entry} /></li>)}
            </ul>
          )}
        </>
      )}
    </div>
  );
}
