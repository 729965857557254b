import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { Button } from '~/components/ui/button';
import { Card } from '~/components/ui/card';
import { Input } from '~/components/ui/input';
import { auth, enabledProviders } from '~/server/auth';
import { signInWithEmail, signInWithGitHub } from '~/server/app/auth-actions';

export const metadata: Metadata = { title: 'Sign in' };

const ERRORS: Record<string, string> = {
  InvalidEmail: 'Enter a valid email address.',
  CredentialsSignin: 'That sign-in did not work. Try again.',
  OAuthAccountNotLinked: 'This email is already linked to another sign-in method.',
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
  const none = !enabledProviders.dev && !enabledProviders.github;

  return (
    <div className="mx-auto max-w-sm py-10">
      <h1 className="text-center text-2xl font-semibold tracking-tight">Sign in to Streamline</h1>
      <Card className="mt-6 space-y-6">
        {error && (
          <p role="alert" className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950 dark:text-red-300">
            {error}
          </p>
        )}
        {enabledProviders.github && (
          <form action={signInWithGitHub}>
            <input type="hidden" name="callbackUrl" value={callbackUrl} />
            <Button type="submit" variant="secondary" className="w-full">
              Continue with GitHub
            </Button>
          </form>
        )}
        {enabledProviders.dev && (
          <form action={signInWithEmail} className="space-y-3">
            <input type="hidden" name="callbackUrl" value={callbackUrl} />
            <label htmlFor="email" className="block text-sm font-medium">
              Email
            </label>
            <Input
              id="email"
              name="email"
              type="email"
              required
              maxLength={254}
              autoComplete="email"
              placeholder="you@example.com"
              aria-invalid={error === ERRORS.InvalidEmail || undefined}
            />
            <Button type="submit" className="w-full">
              Sign in with email
            </Button>
            <p className="text-xs text-zinc-500">
              Development sign-in: any email works, no password. Disabled in production unless AUTH_DEV_SIGNIN=true.
            </p>
          </form>
        )}
        {none && (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            No sign-in method is configured. Set AUTH_GITHUB_ID and AUTH_GITHUB_SECRET, or AUTH_DEV_SIGNIN=true for a
            non-public deployment.
          </p>
        )}
      </Card>
    </div>
  );
}
