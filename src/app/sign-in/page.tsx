import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { Card } from '~/components/ui/card';
import { Input } from '~/components/ui/input';
import { Label } from '~/components/ui/label';
import { SubmitButton } from '~/components/ui/submit-button';
import { auth, enabledProviders } from '~/server/auth';
import { devSignIn, sendSignInLink, signInWithGitHub } from '~/server/app/auth-actions';

export const metadata: Metadata = { title: 'Sign in' };

/** What each `?error=` means, worded for the person signing in. next-auth's types and the actions' own. */
const ERRORS: Record<string, string> = {
  InvalidEmail: 'Enter a valid email address.',
  TooManyLinks: 'Several sign-in links went to this address just now. Use the newest one, or wait a few minutes and ask again.',
  EmailSignInError: 'The sign-in email could not be sent. Try again in a moment.',
  Verification: 'That sign-in link has expired or was already used. Ask for a new one below.',
  CredentialsSignin: 'That sign-in did not work. Try again.',
  OAuthAccountNotLinked: 'This email is already linked to another sign-in method.',
  AccessDenied: 'That account may not sign in here.',
  Configuration: 'Sign-in is not set up correctly on the server. Try again later.',
};

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const callbackUrl = typeof params.callbackUrl === 'string' ? params.callbackUrl : '/';
  if (await auth()) redirect(callbackUrl.startsWith('/') ? callbackUrl : '/');
  const error = typeof params.error === 'string' ? (ERRORS[params.error] ?? 'Sign-in failed. Try again.') : null;
  const none = !enabledProviders.dev && !enabledProviders.github && !enabledProviders.email;

  return (
    <div className="mx-auto max-w-sm py-10">
      <h1 className="text-center text-2xl font-semibold tracking-tight">Sign in to Streamline</h1>
      <Card className="mt-6 space-y-6">
        {error && (
          <p role="alert" className="rounded-md bg-destructive/10 px-3 py-2 text-sm text-destructive">
            {error}
          </p>
        )}
        {enabledProviders.github && (
          <form action={signInWithGitHub}>
            <input type="hidden" name="callbackUrl" value={callbackUrl} />
            <SubmitButton variant="secondary" className="w-full" pendingLabel="Opening GitHub…">
              Continue with GitHub
            </SubmitButton>
          </form>
        )}
        {enabledProviders.email && (
          <form action={sendSignInLink} className="space-y-3" aria-label="Email me a sign-in link">
            <input type="hidden" name="callbackUrl" value={callbackUrl} />
            <EmailField id="link-email" label="Email address" invalid={error === ERRORS.InvalidEmail} />
            <SubmitButton className="w-full" pendingLabel="Sending link…">
              Email me a sign-in link
            </SubmitButton>
            <p className="text-xs text-muted-foreground">No password: we mail you a link that signs you in.</p>
          </form>
        )}
        {enabledProviders.dev && (
          <form
            action={devSignIn}
            aria-label="Development sign-in"
            className="space-y-3 rounded-xl border border-dashed border-amber-400 p-4 dark:border-amber-600"
          >
            <input type="hidden" name="callbackUrl" value={callbackUrl} />
            <EmailField id="email" label="Email" invalid={!enabledProviders.email && error === ERRORS.InvalidEmail} />
            <SubmitButton className="w-full" pendingLabel="Signing in…">
              Sign in with email
            </SubmitButton>
            <p className="text-xs text-muted-foreground">Development sign-in: any email works, no password. For local use and tests only.</p>
          </form>
        )}
        {none && (
          <div className="space-y-2 text-sm text-muted-foreground">
            <p>No sign-in method is configured. To turn one on, set:</p>
            <ul className="list-disc space-y-1 pl-5">
              <li>
                <code>EMAIL_FROM</code> and <code>EMAIL_SERVER</code> (an SMTP URL) or <code>RESEND_API_KEY</code>, for sign-in
                links by email;
              </li>
              <li>
                <code>AUTH_GITHUB_ID</code> and <code>AUTH_GITHUB_SECRET</code>, for GitHub.
              </li>
            </ul>
          </div>
        )}
      </Card>
    </div>
  );
}

/** The email field of both email forms (a link by mail, the development sign-in). */
function EmailField({ id, label, invalid }: { id: string; label: string; invalid: boolean }) {
  return (
    <>
      <Label htmlFor={id}>{label}</Label>
      <Input id={id} name="email" type="email" required maxLength={254} autoComplete="email" placeholder="you@example.com" aria-invalid={invalid || undefined} />
    </>
  );
}
