'use client';
import { useMutation, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { Button } from '~/components/ui/button';
import { Card } from '~/components/ui/card';
import { Skeleton } from '~/components/ui/skeleton';
import { useTRPC } from '~/trpc/react';
import { navigationStarted } from '../../../_components/navigation-progress';

const UNAVAILABLE = {
  expired: 'This invitation has expired. Ask the person who invited you for a new one.',
  revoked: 'This invitation was revoked. Ask the person who invited you for a new one.',
  accepted: 'This invitation was already used. Ask the person who invited you for a new one.',
} as const;

/** "Join <organization>?" for a signed-in user holding an invitation link. */
export function AcceptInvitation({ organizationId, invitationId, token, email }: { organizationId: string; invitationId: string; token: string; email: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const preview = useQuery(trpc.organizations.invitation.queryOptions({ organizationId, invitationId, token }, { enabled: token.length > 0 }));
  const accept = useMutation(
    trpc.organizations.acceptInvitation.mutationOptions({
      onSuccess: ({ organizationId: id }) => {
        navigationStarted(`/o/${id}`);
        router.push(`/o/${id}`);
      },
    }),
  );

  let body: React.ReactNode;
  if (token.length === 0 || preview.isError) {
    body = (
      <>
        <h1 className="text-xl font-semibold">Invitation not found</h1>
        <p role="alert" className="mt-2 text-sm text-muted-foreground">
          {preview.error?.message ?? 'This invitation link is not valid. Check that you copied all of it.'}
        </p>
      </>
    );
  } else if (preview.isPending) {
    body = (
      <div className="space-y-3" aria-busy="true" aria-label="Loading invitation">
        <Skeleton className="mx-auto h-7 w-56" />
        <Skeleton className="mx-auto h-4 w-72" />
      </div>
    );
  } else if (preview.data.status !== 'pending') {
    body = (
      <>
        <h1 className="text-xl font-semibold">Join {preview.data.organizationName}?</h1>
        <p role="alert" className="mt-2 text-sm text-amber-800 dark:text-amber-200">{UNAVAILABLE[preview.data.status]}</p>
      </>
    );
  } else {
    body = (
      <>
        <h1 className="text-xl font-semibold">Join {preview.data.organizationName}?</h1>
        <p className="mt-2 text-sm text-muted-foreground">
          You were invited as <span className="font-medium">{preview.data.role}</span>. You will join as {email}.
        </p>
        {accept.error && (
          <p role="alert" className="mt-4 rounded-md bg-destructive/10 px-3 py-2 text-sm text-destructive">
            {accept.error.message}
          </p>
        )}
        <Button className="mt-6 w-full" disabled={accept.isPending || accept.isSuccess} onClick={() => accept.mutate({ organizationId, invitationId, token })}>
          {accept.isPending || accept.isSuccess ? 'Joining…' : 'Join'}
        </Button>
      </>
    );
  }

  return (
    <div className="mx-auto max-w-md py-10">
      <Card className="text-center">{body}</Card>
      <p className="mt-6 text-center">
        <Button asChild variant="link">
          <Link href="/">Back to your organizations</Link>
        </Button>
      </p>
    </div>
  );
}
