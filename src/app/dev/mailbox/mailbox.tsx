'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { Button } from '~/components/ui/button';
import { Card } from '~/components/ui/card';
import { useTRPC } from '~/trpc/react';

/** Links in mails are app-relative unless AUTH_URL is set; either opens here. */
function linkify(text: string) {
  return text.split(/(\s+)/).map((part, i) =>
    /^(https?:\/\/|\/invite\/)\S+$/.test(part) ? (
      <a key={i} href={part} className="break-all text-brand-600 hover:underline">{part}</a>
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
          <Link href="/" className="text-sm text-zinc-500 hover:underline">← All organizations</Link>
          <h1 className="mt-1 text-2xl font-semibold tracking-tight">Mailbox</h1>
          <p className="mt-1 text-sm text-zinc-500">Development only: mails sent to {email}, newest first.</p>
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
          {[0, 1].map((i) => <div key={i} className="h-24 animate-pulse rounded-2xl bg-zinc-200/70 dark:bg-zinc-800" />)}
        </div>
      ) : mails.isError ? (
        <p role="alert" className="text-sm text-red-600">{mails.error.message}</p>
      ) : mails.data.length === 0 ? (
        <p className="rounded-xl border border-dashed border-zinc-300 p-6 text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-400">No mail yet.</p>
      ) : (
        <ul className="space-y-3" aria-label="Mails">
          {mails.data.map((mail) => (
            <li key={mail.id}>
              <Card>
                <h2 className="font-medium">{mail.subject}</h2>
                <p className="text-xs text-zinc-500">To {mail.to} · {mail.sentAt.toLocaleString()}</p>
                <p className="mt-3 whitespace-pre-wrap text-sm">{linkify(mail.text)}</p>
              </Card>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
