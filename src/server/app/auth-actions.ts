'use server';
/**
 * Sign-in and sign-out as server actions, so the forms work before hydration
 * and with JavaScript disabled.
 */
import { TRPCError } from '@trpc/server';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { createAction, formAction } from './action';
import { publicProcedure } from '~/server/api/trpc';
import { AuthError, DEV_PROVIDER_ID, EMAIL_PROVIDER_ID, enabledProviders, signIn, signInEmailInput, signOut } from '~/server/auth';
import { signInLinkRateLimiter } from '~/server/rate-limit';

/** Only same-site paths, so a crafted link cannot bounce a user elsewhere after sign-in. */
const callbackUrl = z
  .string()
  .max(2048)
  .optional()
  .transform((v) => (v && v.startsWith('/') && !v.startsWith('//') ? v : '/'));

/** Back to the sign-in page with an error, as a redirect so forms posted before hydration show it too. */
function signInError(error: string, callbackUrl: string): never {
  redirect(`/sign-in?${new URLSearchParams({ error, callbackUrl })}`);
}

/** What both email forms post; the address is checked by `emailOf`, so a bad one gets the form's own error. */
const emailForm = z.object({ email: z.string().max(512), callbackUrl });

/** The normalized address of an email form, or back to the form with `InvalidEmail`. */
function emailOf(input: z.output<typeof emailForm>): string {
  const parsed = signInEmailInput.safeParse(input);
  if (!parsed.success) signInError('InvalidEmail', input.callbackUrl);
  return parsed.data.email;
}

/** The development sign-in: signs in as whoever the email names. */
export const devSignIn = formAction(
  createAction(
  publicProcedure
    .input(emailForm)
    .mutation(async ({ input }) => {
      if (!enabledProviders.dev) throw new TRPCError({ code: 'FORBIDDEN', message: 'Development sign-in is disabled.' });
      await signIn(DEV_PROVIDER_ID, { email: emailOf(input), redirectTo: input.callbackUrl });
    }),
  ),
);

/** Mails a one-time sign-in link, then shows "Check your email". */
export const sendSignInLink = formAction(
  createAction(
    publicProcedure
      .input(emailForm)
      .mutation(async ({ input }) => {
        if (!enabledProviders.email) throw new TRPCError({ code: 'FORBIDDEN', message: 'Email sign-in is not configured.' });
        const email = emailOf(input);
        if (!(await signInLinkRateLimiter().hit(`sign-in-link:${email}`)).allowed) signInError('TooManyLinks', input.callbackUrl);
        let next: string;
        try {
          next = await signIn(EMAIL_PROVIDER_ID, { email, redirectTo: input.callbackUrl, redirect: false });
        } catch (error) {
          // EmailSignInError (the mail could not be sent), AccessDenied, …: the page words each type.
          if (error instanceof AuthError) signInError(error.type, input.callbackUrl);
          throw error;
        }
        // Errors next-auth does not throw come back as a redirect to the error page (?error=Configuration).
        const failed = URL.canParse(next) ? new URL(next).searchParams.get('error') : null;
        if (failed) signInError(failed, input.callbackUrl);
        redirect('/sign-in/check-email');
      }),
  ),
);

export const signInWithGitHub = formAction(
  createAction(
    publicProcedure.input(z.object({ callbackUrl })).mutation(async ({ input }) => {
      if (!enabledProviders.github) throw new TRPCError({ code: 'FORBIDDEN', message: 'GitHub sign-in is not configured.' });
      await signIn('github', { redirectTo: input.callbackUrl });
    }),
  ),
);

export const signOutAction = formAction(
  createAction(
    publicProcedure.mutation(async () => {
      await signOut({ redirectTo: '/' });
    }),
  ),
);
