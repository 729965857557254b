'use client';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Button } from '~/components/ui/button';
import { Card } from '~/components/ui/card';
import { Input } from '~/components/ui/input';
import { idempotencyKeys } from '~/lib/idempotency-keys';
import { useTRPC } from '~/trpc/react';

const INVITABLE_ROLES = ['member', 'admin'] as const;

/** For owners and admins: invite by link (shown to copy, and mailed), and the pending invitations with Revoke. */
export function Invitations({ organizationId }: { organizationId: string }) {
  const trpc = useTRPC();
  const pending = useQuery(trpc.organizations.invitations.queryOptions({ organizationId }));
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<(typeof INVITABLE_ROLES)[number]>('member');
  const [link, setLink] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  // One key per request: inviting the same email and role again after an error (a lost response) creates one invitation.
  const [keys] = useState(() => idempotencyKeys());
  // The pending invitations refetch once the directory read model has the change (read-your-writes, ~/trpc/react).
  const invite = useMutation(
    trpc.organizations.invite.mutationOptions({
      onSuccess: ({ url }) => {
        keys.renew();
        setLink(new URL(url, window.location.origin).toString());
        setCopied(false);
        setEmail('');
      },
      meta: { fieldErrorsInline: true },
    }),
  );
  const revoke = useMutation(trpc.organizations.revokeInvitation.mutationOptions());
  const emailError = invite.error?.data?.zodError?.fieldErrors.email?.[0];

  const submit = (e: FormEvent) => {
    e.preventDefault();
    invite.mutate({ organizationId, email, role, idempotencyKey: keys.keyFor({ organizationId, email, role }) });
  };
  const copy = async () => {
    if (!link) return;
    await navigator.clipboard.writeText(link).then(() => setCopied(true), () => setCopied(false));
  };

  return (
    <Card className="space-y-6">
      <form onSubmit={submit} className="space-y-3" aria-labelledby="invite-heading">
        <h2 id="invite-heading" className="text-lg font-semibold">Invite someone</h2>
        <div className="flex flex-wrap items-end gap-3">
          <div className="min-w-60 flex-1 space-y-1">
            <label htmlFor="invite-email" className="text-sm font-medium">Email to invite</label>
            <Input
              id="invite-email"
              type="email"
              required
              maxLength={254}
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              aria-invalid={Boolean(emailError) || undefined}
              aria-describedby={emailError ? 'invite-email-error' : undefined}
            />
          </div>
          <div className="space-y-1">
            <label htmlFor="invite-role" className="block text-sm font-medium">Role</label>
            <select
              id="invite-role"
              value={role}
              onChange={(e) => setRole(INVITABLE_ROLES.find((r) => r === e.target.value) ?? 'member')}
              className="h-10 rounded-lg bg-white px-2 text-sm capitalize ring-1 ring-zinc-300 dark:bg-zinc-900 dark:ring-zinc-700"
            >
              {INVITABLE_ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
            </select>
          </div>
          <Button type="submit" disabled={invite.isPending}>{invite.isPending ? 'Inviting…' : 'Invite'}</Button>
        </div>
        {emailError && <p id="invite-email-error" className="text-sm text-red-600">{emailError}</p>}
      </form>

      {link && (
        <div className="space-y-2 rounded-lg bg-zinc-50 p-4 dark:bg-zinc-800/60">
          <label htmlFor="invite-link" className="text-sm font-medium">Invitation link (also sent by mail)</label>
          <div className="flex gap-2">
            <Input id="invite-link" readOnly value={link} onFocus={(e) => e.currentTarget.select()} />
            <Button variant="secondary" onClick={() => void copy()}>{copied ? 'Copied' : 'Copy link'}</Button>
          </div>
          <p className="text-xs text-zinc-500">Anyone with this link can join until it is used, revoked or expires.</p>
        </div>
      )}

      <div>
        <h3 className="text-sm font-semibold">Pending invitations</h3>
        {pending.isPending ? (
          <div className="mt-2 space-y-2" aria-busy="true" aria-label="Loading invitations">
            {[0, 1].map((i) => <div key={i} className="h-8 animate-pulse rounded bg-zinc-200/70 dark:bg-zinc-800" />)}
          </div>
        ) : pending.isError ? (
          <p role="alert" className="mt-2 text-sm text-red-600">{pending.error.message}</p>
        ) : pending.data.length === 0 ? (
          <p className="mt-2 text-sm text-zinc-500">No pending invitations.</p>
        ) : (
          <ul className="mt-2 divide-y divide-zinc-200 dark:divide-zinc-800" aria-label="Pending invitations">
            {pending.data.map((invitation) => (
                <li key={invitation.id} className="flex flex-wrap items-center justify-between gap-3 py-2">
                  <span className="text-sm">
                    {invitation.email}
                    <span className="ml-2 rounded-full bg-zinc-100 px-2 py-0.5 text-xs capitalize text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300">{invitation.role}</span>
                    <span className="ml-2 text-xs text-zinc-500">
                      {invitation.expired ? 'expired' : `expires ${invitation.expiresAt.toLocaleDateString()}`}
                    </span>
                  </span>
                  <Button
                    variant="ghost"
                    aria-label={`Revoke invitation for ${invitation.email}`}
                    disabled={revoke.isPending}
                    onClick={() => revoke.mutate({ organizationId, invitationId: invitation.id })}
                  >
                    Revoke
                  </Button>
                </li>
            ))}
          </ul>
        )}
      </div>
    </Card>
  );
}
