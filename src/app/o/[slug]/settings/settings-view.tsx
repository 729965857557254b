'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { Badge } from '~/components/ui/badge';
import { Button } from '~/components/ui/button';
import { Card } from '~/components/ui/card';
import { ConfirmButton } from '~/components/ui/confirm-button';
import { Input } from '~/components/ui/input';
import { useTRPC, type RouterOutputs } from '~/trpc/react';
import { LiveStatus } from '../../../_components/live-indicator';
import { Invitations } from './invitations';
import { useLiveStatus } from '../live-updates';
import { useOrganizationHref } from '../organization-context';
import { Avatar, AvatarFallback } from '~/components/ui/avatar';
import { initials } from '~/lib/initials';
import { ROLE_LABELS, ROLE_ORDER } from '~/lib/labels';
import { personName } from '~/lib/people';
import OrganizationNotFound from '../../not-found';
import { navigationStarted } from '../../../_components/navigation-progress';

type Member = RouterOutputs['organizations']['members'][number];

/** An organization's settings: its name, invitations, members and roles, and leaving it. */
export function OrganizationSettings({ organizationId, viewerId }: { organizationId: string; viewerId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const href = useOrganizationHref();
  const org = useQuery(trpc.organizations.get.queryOptions({ organizationId }));
  const members = useQuery(trpc.organizations.members.queryOptions({ organizationId }));
  const queryClient = useQueryClient();
  const live = useLiveStatus();
  // Failures are toasted for every mutation, and the user's own changes stay on screen until the
  // directory read model has them (G10), for every mutation too (see ~/trpc/react); after a CONFLICT
  // (someone else changed things) the refetch once nothing is pending shows the current state.
  const rename = useMutation(
    trpc.organizations.rename.mutationOptions({
      onMutate: ({ name }) => {
        queryClient.setQueryData(trpc.organizations.get.queryKey({ organizationId }), (old) => (old ? { ...old, name: name.trim() } : old));
      },
    }),
  );
  const changeRole = useMutation(
    trpc.organizations.changeRole.mutationOptions({
      onMutate: ({ userId, role }) => {
        queryClient.setQueryData(trpc.organizations.members.queryKey({ organizationId }), (old) => old?.map((m) => (m.userId === userId ? { ...m, role } : m)));
      },
    }),
  );
  const remove = useMutation(trpc.organizations.removeMember.mutationOptions());
  const leave = useMutation(
    trpc.organizations.leave.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.organizations.mine.queryKey() });
        navigationStarted('/');
        router.push('/');
      },
    }),
  );

  if (org.isError) {
    // Removed from the organization while the page was open: the same page as for a stranger.
    return <OrganizationNotFound />;
  }
  const canManage = org.data?.role === 'owner' || org.data?.role === 'admin';

  return (
    <div className="space-y-8">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <Link href={href()} className="text-sm text-muted-foreground hover:underline">← {org.data?.name ?? 'Organization'}</Link>
          {org.isPending ? (
            <div className="mt-2 h-8 w-48 animate-pulse rounded bg-zinc-200 dark:bg-zinc-800" aria-label="Loading" />
          ) : (
            <h1 className="mt-1 text-2xl font-semibold tracking-tight">Settings</h1>
          )}
          {org.data && <p className="mt-1 text-sm text-muted-foreground">Your role: <span className="capitalize">{org.data.role}</span></p>}
        </div>
        <LiveStatus syncing={live.syncing} status={live.status} connected={live.connected} />
      </div>

      {canManage && org.data && <RenameForm current={org.data.name} pending={rename.isPending} onRename={(name) => rename.mutate({ organizationId, name })} />}

      {canManage && <Invitations organizationId={organizationId} />}

      <Card className="p-0">
        <h2 className="border-b border-zinc-200 px-6 py-4 text-lg font-semibold dark:border-zinc-800">Members</h2>
        {members.isPending ? (
          <div className="space-y-2 p-6" aria-busy="true">
            {[0, 1, 2].map((i) => <div key={i} className="h-8 animate-pulse rounded bg-zinc-200/70 dark:bg-zinc-800" />)}
          </div>
        ) : members.isError ? (
          <p role="alert" className="p-6 text-sm text-red-600">{members.error.message}</p>
        ) : (
          <ul className="divide-y divide-zinc-200 dark:divide-zinc-800" aria-label="Members">
            {members.data.map((m: Member) => (
              <li key={m.userId} className="flex flex-wrap items-center justify-between gap-3 px-6 py-3">
                <span className="flex items-center gap-3 text-sm">
                  <Avatar className="size-8">
                    <AvatarFallback>{initials({ name: m.displayName, email: m.email })}</AvatarFallback>
                  </Avatar>
                  <span>
                    <span className="block font-medium">{personName(m)}</span>
                    {m.displayName && <span className="block text-xs text-muted-foreground">{m.email}</span>}
                  </span>
                  {m.userId === viewerId && <span className="ml-2 text-xs text-muted-foreground">(you)</span>}
                </span>
                <span className="flex items-center gap-2">
                  {canManage && m.userId !== viewerId ? (
                    <>
                      <label className="sr-only" htmlFor={`role-${m.userId}`}>Role of {m.email}</label>
                      <select
                        id={`role-${m.userId}`}
                        value={m.role}
                        disabled={changeRole.isPending}
                        onChange={(e) => {
                          const role = ROLE_ORDER.find((r) => r === e.target.value);
                          if (role) changeRole.mutate({ organizationId, userId: m.userId, role });
                        }}
                        className="h-9 rounded-md border border-input bg-card px-2 text-sm capitalize shadow-xs outline-none focus-visible:border-ring focus-visible:ring-[3px] focus-visible:ring-ring/50 dark:bg-input/30"
                      >
                        {ROLE_ORDER.map((r) => <option key={r} value={r}>{ROLE_LABELS[r]}</option>)}
                      </select>
                      <ConfirmButton
                        variant="ghost"
                        disabled={remove.isPending}
                        aria-label={`Remove ${m.email}`}
                        question={`Remove ${m.email}?`}
                        confirmLabel="Remove"
                        onConfirm={() => remove.mutate({ organizationId, userId: m.userId })}
                      >
                        Remove
                      </ConfirmButton>
                    </>
                  ) : (
                    <Badge variant="secondary" className="capitalize">{m.role}</Badge>
                  )}
                </span>
              </li>
            ))}
          </ul>
        )}
      </Card>

      <div>
        <ConfirmButton
          variant="secondary"
          disabled={leave.isPending}
          question={`Leave ${org.data?.name ?? 'this organization'}? Coming back takes a new invitation.`}
          confirmLabel="Leave"
          onConfirm={() => leave.mutate({ organizationId })}
        >
          Leave organization
        </ConfirmButton>
      </div>
    </div>
  );
}

function RenameForm({ current, pending, onRename }: { current: string; pending: boolean; onRename: (name: string) => void }) {
  const [name, setName] = useState(current);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onRename(name);
  };
  return (
    <Card>
      <form onSubmit={submit} className="flex flex-wrap items-end gap-3">
        <div className="min-w-60 flex-1 space-y-1">
          <label htmlFor="rename" className="text-sm font-medium">Organization name</label>
          <Input id="rename" value={name} maxLength={80} onChange={(e) => setName(e.target.value)} />
        </div>
        <Button type="submit" disabled={pending || name.trim() === current}>{pending ? 'Saving…' : 'Rename'}</Button>
      </form>
    </Card>
  );
}
