'use client';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Badge } from '~/components/ui/badge';
import { Button } from '~/components/ui/button';
import { Card } from '~/components/ui/card';
import { Input } from '~/components/ui/input';
import { Label } from '~/components/ui/label';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '~/components/ui/select';
import { Skeleton } from '~/components/ui/skeleton';
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
          <div className="min-w-60 flex-1 space-y-2">
            <Label htmlFor="invite-email">Email to invite</Label>
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
          <div className="space-y-2">
            <Label htmlFor="invite-role">Role</Label>
            <Select value={role} onValueChange={(value) => setRole(INVITABLE_ROLES.find((r) => r === value) ?? 'member')}>
              <SelectTrigger id="invite-role" className="w-32 capitalize">
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                {INVITABLE_ROLES.map((r) => <SelectItem key={r} value={r} className="capitalize">{r}</SelectItem>)}
              </SelectContent>
            </Select>
          </div>
          <Button type="submit" disabled={invite.isPending}>{invite.isPending ? 'Inviting…' : 'Invite'}</Button>
        </div>
        {emailError && <p id="invite-email-error" className="text-sm text-destructive">{emailError}</p>}
      </form>

      {link && (
        <div className="space-y-2 rounded-lg bg-muted p-4">
          <Label htmlFor="invite-link">Invitation link (also sent by mail)</Label>
          <div className="flex gap-2">
            <Input id="invite-link" readOnly value={link} onFocus={(e) => e.currentTarget.select()} />
            <Button variant="secondary" onClick={() => void copy()}>{copied ? 'Copied' : 'Copy link'}</Button>
          </div>
          <p className="text-xs text-muted-foreground">Anyone with this link can join until it is used, revoked or expires.</p>
        </div>
      )}

      <div>
        <h3 className="text-sm font-semibold">Pending invitations</h3>
        {pending.isPending ? (
          <div className="mt-2 space-y-2" aria-busy="true" aria-label="Loading invitations">
            {[0, 1].map((i) => <Skeleton key={i} className="h-8" />)}
          </div>
        ) : pending.isError ? (
          <p role="alert" className="mt-2 text-sm text-destructive">{pending.error.message}</p>
        ) : pending.data.length === 0 ? (
          <p className="mt-2 text-sm text-muted-foreground">No pending invitations.</p>
        ) : (
          <ul className="mt-2 divide-y" aria-label="Pending invitations">
            {pending.data.map((invitation) => (
                <li key={invitation.id} className="flex flex-wrap items-center justify-between gap-3 py-2">
                  <span className="text-sm">
                    {invitation.email}
                    <Badge variant="secondary" className="ml-2 capitalize">{invitation.role}</Badge>
                    <span className="ml-2 text-xs text-muted-foreground">
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
