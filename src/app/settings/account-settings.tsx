'use client';
/**
 * The account page's three parts: the profile (display name and avatar,
 * shown to the other members of every organization), sessions (sign out on
 * every device) and deleting the account (refused, with what to do, while
 * the person is the last owner of an organization).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { Avatar, AvatarFallback, AvatarImage } from '~/components/ui/avatar';
import { Button } from '~/components/ui/button';
import { Card } from '~/components/ui/card';
import { ConfirmButton } from '~/components/ui/confirm-button';
import { Input } from '~/components/ui/input';
import { Label } from '~/components/ui/label';
import { Skeleton } from '~/components/ui/skeleton';
import { useTRPC, type RouterOutputs } from '~/trpc/react';
import { navigationStarted } from '../_components/navigation-progress';

type Account = RouterOutputs['account']['get'];

export function AccountSettings() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  // The session is over: nothing of it stays in the cache, and the sign-in page comes next.
  const toSignIn = () => {
    queryClient.clear();
    navigationStarted('/sign-in');
    router.replace('/sign-in');
    router.refresh();
  };
  const account = useQuery(trpc.account.get.queryOptions());
  const signOutEverywhere = useMutation(trpc.account.signOutEverywhere.mutationOptions({ onSuccess: toSignIn }));
  const remove = useMutation(trpc.account.delete.mutationOptions({ onSuccess: toSignIn }));

  return (
    <div className="mx-auto max-w-2xl space-y-8">
      <h1 className="text-2xl font-semibold tracking-tight">Your account</h1>
      {account.isPending ? (
        <Skeleton className="h-40 rounded-xl" aria-label="Loading" />
      ) : account.isError ? (
        <p role="alert" className="text-sm text-destructive">
          {account.error.message}{' '}
          <Button variant="link" onClick={() => void account.refetch()}>Try again</Button>
        </p>
      ) : (
        <Profile account={account.data} />
      )}

      <Card className="space-y-3">
        <h2 className="text-lg font-semibold">Sessions</h2>
        <p className="text-sm text-muted-foreground">Signed in on a device you no longer have? End every session, this one included.</p>
        <ConfirmButton variant="secondary" disabled={signOutEverywhere.isPending} question="Sign out on every device?" confirmLabel="Sign out everywhere" onConfirm={() => signOutEverywhere.mutate()}>
          Sign out everywhere
        </ConfirmButton>
      </Card>

      <Card className="space-y-3 border-destructive/40">
        <h2 className="text-lg font-semibold">Delete account</h2>
        <p className="text-sm text-muted-foreground">
          You leave every organization, and your name and email are erased from this app for good: in its history they read “Deleted user”. If you are the
          last owner of an organization, make someone else owner there first.
        </p>
        {remove.isError && <p role="alert" className="text-sm text-destructive">{remove.error.message}</p>}
        <ConfirmButton variant="danger" disabled={remove.isPending} question="Delete your account for good?" confirmLabel="Delete account" onConfirm={() => remove.mutate()}>
          Delete account
        </ConfirmButton>
      </Card>
    </div>
  );
}

function Profile({ account }: { account: Account }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState(account.name ?? '');
  const rename = useMutation(
    trpc.account.rename.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.account.get.queryKey() }) }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    rename.mutate({ name });
  };
  return (
    <Card className="space-y-4">
      <div className="flex items-center gap-4">
        <Avatar className="size-14">
          <AvatarImage src={account.gravatarUrl} alt="" />
          <AvatarFallback>{account.initials}</AvatarFallback>
        </Avatar>
        <div>
          <p className="font-medium">{account.name ?? account.email}</p>
          <p className="text-sm text-muted-foreground">{account.email}</p>
        </div>
      </div>
      <form onSubmit={submit} className="flex flex-wrap items-end gap-3">
        <div className="min-w-60 flex-1 space-y-1">
          <Label htmlFor="display-name">Display name</Label>
          <Input id="display-name" value={name} maxLength={80} onChange={(e) => setName(e.target.value)} placeholder="How others see you" />
        </div>
        <Button type="submit" disabled={rename.isPending || name.trim() === '' || name.trim() === (account.name ?? '')}>
          {rename.isPending ? 'Saving…' : 'Save'}
        </Button>
      </form>
      <p className="text-xs text-muted-foreground">Your picture comes from Gravatar, for your email; without one, your initials show.</p>
    </Card>
  );
}
