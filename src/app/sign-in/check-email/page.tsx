import type { Metadata } from 'next';
import Link from 'next/link';
import { Button } from '~/components/ui/button';
import { Card } from '~/components/ui/card';
import { SIGN_IN_LINK_MAX_AGE_SECONDS } from '~/server/auth';

export const metadata: Metadata = { title: 'Check your email' };

/** Where a requested sign-in link leads (next-auth's `verifyRequest` page). */
export default function CheckEmailPage() {
  return (
    <div className="mx-auto max-w-sm py-10">
      <Card className="space-y-4 text-center">
        <h1 className="text-2xl font-semibold tracking-tight">Check your email</h1>
        <p role="status" className="text-sm text-muted-foreground">
          We sent you a link to sign in. Open it on the device you want to use; it works once, within {SIGN_IN_LINK_MAX_AGE_SECONDS / 60}{' '}
          minutes.
        </p>
        <p className="text-xs text-muted-foreground">Nothing after a few minutes? Look in your spam folder, or ask for a new link.</p>
        <Button asChild variant="link">
          <Link href="/sign-in">Use another email address</Link>
        </Button>
      </Card>
    </div>
  );
}
