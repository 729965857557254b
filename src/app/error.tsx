'use client';
/**
 * What a page shows when rendering it throws (including a form's server
 * action failing, see src/server/app/action.ts): the message, and Try again,
 * which renders the segment again. The digest ties it to the server's log line.
 */
import Link from 'next/link';
import { Button } from '~/components/ui/button';

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <section role="alert" className="mx-auto max-w-md py-16 text-center">
      <h1 className="text-2xl font-semibold tracking-tight">Something went wrong</h1>
      <p className="mt-2 text-sm break-words text-muted-foreground">{error.message || 'An unexpected error happened.'}</p>
      {error.digest && <p className="mt-1 font-mono text-xs text-muted-foreground">Reference: {error.digest}</p>}
      <div className="mt-6 flex items-center justify-center gap-3">
        <Button onClick={reset}>Try again</Button>
        <Button asChild variant="outline">
          <Link href="/">Back home</Link>
        </Button>
      </div>
    </section>
  );
}
