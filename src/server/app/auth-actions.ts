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
import { DEV_PROVIDER_ID, devSignInInput, enabledProviders, signIn, signOut } from '~/server/auth';

/** Only same-site paths, so a crafted link cannot bounce a user elsewhere after sign-in. */
const callbackUrl = z
  .string()
  .max(2048)
  .optional()
  .transform((v) => (v && v.startsWith('/') && !v.startsWith('//') ? v : '/'));

export const signInWithEmail = formAction(
  createAction(
  publicProcedure
    .input(z.object({ email: z.string().max(512), callbackUrl }))
    .mutation(async ({ input }) => {
      if (!enabledProviders.dev) throw new TRPCError({ code: 'FORBIDDEN', message: 'Development sign-in is disabled.' });
      const parsed = devSignInInput.safeParse(input);
      if (!parsed.success) {
        // A redirect, not a thrown error, so the message also reaches forms posted before hydration.
        redirect(`/sign-in?${new URLSearchParams({ error: 'InvalidEmail', callbackUrl: input.callbackUrl })}`);
      }
      await signIn(DEV_PROVIDER_ID, { email: parsed.data.email, redirectTo: input.callbackUrl });
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
