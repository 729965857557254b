'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { Button } from '~/components/ui/button';
import { Card } from '~/components/ui/card';
import { Skeleton } from '~/components/ui/skeleton';
import { useTRPC } from '~/trpc/react';

/** Links in mails are app-relative unless AUTH_URL is set; either opens here. */
function linkify(text: string) {
  return text.split(/(\s+)/).map((part, i) =>
    /^(https?:\/\/|\/invite\/)\S+$/.test(part) ? (
      <a key={i} href={part} className="break-all text-blue-700 dark:text-blue-400 hover:underline">{part}</a>
    ) : (
      part
    ),
  );
}

export function Mailbox({ email, realMail }: { email: string; realMail: boolean }) {
  const trpc = useTRPC();
  const mails = useQuery(trpc.mailbox.list.queryOptions());
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <Link href="/" className="text-sm text-muted-foreground hover:underline">← All organizations</Link>
          <h1 className="mt-1 text-2xl font-semibold tracking-tight">Mailbox</h1>
          <p className="mt-1 text-sm text-muted-foreground">Development only: mails sent to {email}, newest first.</p>
          {realMail && (
            <p className="mt-1 text-sm text-amber-700 dark:text-amber-400">
              A mail provider is configured (EMAIL_SERVER or RESEND_API_KEY): new mail goes out through it, not here.
            </p>
          )}
        </div>
        <Button variant="secondary" disabled={mails.isFetching} onClick={() => void mails.refetch()}>
          {mails.isFetching ? 'Refreshing…' : 'Refresh'}
        </Button>
      </div>
      {mails.isPending ? (
        <div className="space-y-2" aria-busy="true" aria-label="Loading mails">
          {[0, 1].map((i) => <Skeleton key={i} className="h-24 rounded-xl" />)}
        </div>
      ) : mails.isError ? (
        <p role="alert" className="text-sm text-destructive">{mails.error.message}</p>
      ) : mails.data.length === 0 ? (
        <p className="rounded-xl border border-dashed p-6 text-sm text-muted-foreground">No mail yet.</p>
      ) : (
        <ul className="space-y-3" aria-label="Mails">
          {mails.data.map((mail) => (
            <li key={mail.id}>
              <Card>
                <h2 className="font-medium">{mail.subject}</h2>
                <p className="text-xs text-muted-foreground">To {mail.to} · {mail.sentAt.toLocaleString()}</p>
                <p className="mt-3 whitespace-pre-wrap text-sm">{linkify(mail.text)}</p>
              </Card>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
