'use client';
import { useMutation, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { Button } from '~/components/ui/button';
import { Card } from '~/components/ui/card';
import { Input } from '~/components/ui/input';
import { idempotencyKeys } from '~/lib/idempotency-keys';
import { useTRPC } from '~/trpc/react';
import { useOrganizationHref } from './organization-context';

/** The organization's projects, each a link to its board, and a form to add one. */
export function Projects({ organizationId }: { organizationId: string }) {
  const trpc = useTRPC();
  const href = useOrganizationHref();
  const projects = useQuery(trpc.tasks.projects.queryOptions({ organizationId }));
  const [name, setName] = useState('');
  // One key per request: submitting the same name again after an error (a lost response) creates one project.
  const [keys] = useState(() => idempotencyKeys());
  // The list refetches once the board read model has the project (read-your-writes, ~/trpc/react).
  const create = useMutation(
    trpc.tasks.createProject.mutationOptions({
      onSuccess: () => {
        keys.renew();
        setName('');
      },
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ organizationId, name, idempotencyKey: keys.keyFor({ organizationId, name }) });
  };
  return (
    <Card className="space-y-4">
      <h2 className="text-lg font-semibold">Projects</h2>
      {projects.isPending ? (
        <div className="h-10 animate-pulse rounded bg-zinc-200/70 dark:bg-zinc-800" aria-busy="true" />
      ) : projects.isError ? (
        <p role="alert" className="text-sm text-red-600">{projects.error.message}</p>
      ) : projects.data.length === 0 ? (
        <p className="text-sm text-zinc-600 dark:text-muted-foreground">No projects yet. Create one to start a board.</p>
      ) : (
        <ul className="flex flex-wrap gap-2" aria-label="Projects">
          {projects.data.map((p) => (
            <li key={p.id}>
              <Link href={href(`/p/${p.id}`)} className="inline-flex rounded-lg bg-zinc-100 px-3 py-2 text-sm font-medium hover:bg-zinc-200 dark:bg-zinc-800 dark:hover:bg-zinc-700">
                {p.name}
              </Link>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={submit} className="flex flex-wrap items-end gap-3">
        <div className="min-w-60 flex-1 space-y-1">
          <label htmlFor="project-name" className="text-sm font-medium">New project</label>
          <Input id="project-name" value={name} maxLength={80} onChange={(e) => setName(e.target.value)} placeholder="Launch" />
        </div>
        <Button type="submit" disabled={create.isPending || name.trim() === ''}>{create.isPending ? 'Creating…' : 'Create project'}</Button>
      </form>
    </Card>
  );
}
