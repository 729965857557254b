'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { Badge } from '~/components/ui/badge';
import { Button } from '~/components/ui/button';
import { Card } from '~/components/ui/card';
import { Input } from '~/components/ui/input';
import { Label } from '~/components/ui/label';
import { Skeleton } from '~/components/ui/skeleton';
import { idempotencyKeys } from '~/lib/idempotency-keys';
import { useTRPC } from '~/trpc/react';
import { navigationStarted } from './navigation-progress';

/** The signed-in user's organizations, or an invitation to create the first one. */
export function OrganizationList() {
  const trpc = useTRPC();
  const mine = useQuery(trpc.organizations.mine.queryOptions());
  return (
    <section aria-labelledby="orgs-heading" className="space-y-4">
      <h2 id="orgs-heading" className="text-lg font-semibold">
        Your organizations
      </h2>
      {mine.isPending ? (
        <div className="space-y-2" aria-busy="true" aria-label="Loading organizations">
          {[0, 1].map((i) => (
            <Skeleton key={i} className="h-14 rounded-xl" />
          ))}
        </div>
      ) : mine.isError ? (
        <p role="alert" className="text-sm text-destructive">
          Could not load your organizations: {mine.error.message}
        </p>
      ) : mine.data.length === 0 ? (
        <p className="rounded-xl border border-dashed p-6 text-sm text-muted-foreground">
          You are not in any organization yet. Create one below to get started.
        </p>
      ) : (
        <ul className="divide-y overflow-hidden rounded-xl border bg-card shadow-sm">
          {mine.data.map((org) => (
            <li key={org.id}>
              <Link href={`/o/${org.slug}`} className="flex items-center justify-between px-4 py-3 transition-colors hover:bg-accent">
                <span>
                  <span className="font-medium">{org.name}</span>
                  <span className="ml-2 text-sm text-muted-foreground">/{org.slug}</span>
                </span>
                <Badge variant="secondary" className="capitalize">{org.role}</Badge>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function slugify(name: string): string {
  return name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
}

export function CreateOrganizationForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [slugEdited, setSlugEdited] = useState(false);
  // One key per request: submitting the same input again after an error (a lost response) creates one organization.
  const [keys] = useState(() => idempotencyKeys());
  const create = useMutation(
    trpc.organizations.create.mutationOptions({
      onSuccess: async (created) => {
        keys.renew();
        await queryClient.invalidateQueries({ queryKey: trpc.organizations.mine.queryKey() });
        navigationStarted(`/o/${created.slug}`);
        router.push(`/o/${created.slug}`);
      },
      meta: { fieldErrorsInline: true },
    }),
  );
  const fieldErrors = create.error?.data?.zodError?.fieldErrors ?? {};
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ name, slug, idempotencyKey: keys.keyFor({ name, slug }) });
  };
  return (
    <Card>
      <form onSubmit={submit} className="space-y-4" noValidate>
        <h2 className="text-lg font-semibold">Create an organization</h2>
        <div className="grid gap-4 sm:grid-cols-2">
          <div className="space-y-2">
            <Label htmlFor="org-name">Name</Label>
            <Input
              id="org-name"
              value={name}
              maxLength={80}
              onChange={(e) => {
                setName(e.target.value);
                if (!slugEdited) setSlug(slugify(e.target.value));
              }}
              aria-invalid={fieldErrors.name ? true : undefined}
              aria-describedby={fieldErrors.name ? 'org-name-error' : undefined}
              placeholder="Acme Inc"
            />
            {fieldErrors.name && <p id="org-name-error" className="text-xs text-destructive">{fieldErrors.name[0]}</p>}
          </div>
          <div className="space-y-2">
            <Label htmlFor="org-slug">URL name</Label>
            <Input
              id="org-slug"
              value={slug}
              maxLength={40}
              onChange={(e) => {
                setSlug(e.target.value);
                setSlugEdited(true);
              }}
              aria-invalid={fieldErrors.slug ? true : undefined}
              aria-describedby="org-slug-help"
              placeholder="acme"
            />
            <p id="org-slug-help" className={fieldErrors.slug ? 'text-xs text-destructive' : 'text-xs text-muted-foreground'}>
              {fieldErrors.slug?.[0] ?? 'Lower-case letters, digits and dashes. It cannot change later.'}
            </p>
          </div>
        </div>
        <Button type="submit" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create organization'}
        </Button>
      </form>
    </Card>
  );
}
