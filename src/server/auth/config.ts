/**
 * next-auth configuration. Providers:
 * - GitHub, when AUTH_GITHUB_ID and AUTH_GITHUB_SECRET are set;
 * - email: a one-time sign-in link, when mail is configured (EMAIL_SERVER:
 *   next-auth's Nodemailer provider; RESEND_API_KEY: its Resend provider). The
 *   link goes out through the app's own mailer (src/server/mail), and its token
 *   is kept, hashed, in `verification_token` through the adapter;
 * - "dev": sign in with just an email, no external service. On outside
 *   production, or with AUTH_DEV_SIGNIN=true (tests, demos). Anyone could sign in
 *   as anyone with it, so the environment refuses it on a production deployment
 *   (src/env-schema.ts) unless a loudly named variable says otherwise.
 *
 * Sessions are JWTs (the Credentials provider requires it); users, linked
 * accounts and sign-in link tokens are stored in Postgres through the Drizzle
 * adapter.
 */
import { randomUUID } from 'node:crypto';
import { DrizzleAdapter } from '@auth/drizzle-adapter';
import { AuthError, type NextAuthConfig } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import GitHub from 'next-auth/providers/github';
import Nodemailer from 'next-auth/providers/nodemailer';
import Resend from 'next-auth/providers/resend';
import { z } from 'zod';
import { env } from '~/env';
import { db } from '~/server/db';
import { accounts, sessions, users, verificationTokens } from '~/server/db/auth-schema';
import { isRevoked } from './revocations';
import { logger } from '~/server/logger';
import { providerMailer } from '~/server/mail';
import { upsertUserByEmail } from './users';

declare module 'next-auth' {
  interface Session {
    user: { id: string; email: string; name?: string | null; image?: string | null };
  }
}

export const DEV_PROVIDER_ID = 'dev';

/** How long a sign-in link works. */
export const SIGN_IN_LINK_MAX_AGE_SECONDS = 60 * 60;

/** The email a sign-in form posts, for the development sign-in and sign-in links alike. */
export const signInEmailInput = z.object({
  email: z.email('Enter a valid email address').max(254).toLowerCase(),
});

function providers(): NextAuthConfig['providers'] {
  const list: NextAuthConfig['providers'] = [];
  if (env.AUTH_GITHUB_ID && env.AUTH_GITHUB_SECRET) {
    list.push(GitHub({ clientId: env.AUTH_GITHUB_ID, clientSecret: env.AUTH_GITHUB_SECRET }));
  }
  if (env.EMAIL_PROVIDER === 'resend' && env.RESEND_API_KEY) {
    list.push(Resend({ apiKey: env.RESEND_API_KEY, from: env.EMAIL_FROM, maxAge: SIGN_IN_LINK_MAX_AGE_SECONDS, sendVerificationRequest: sendSignInLink }));
  } else if (env.EMAIL_PROVIDER === 'smtp' && env.EMAIL_SERVER) {
    list.push(Nodemailer({ server: env.EMAIL_SERVER, from: env.EMAIL_FROM, maxAge: SIGN_IN_LINK_MAX_AGE_SECONDS, sendVerificationRequest: sendSignInLink }));
  }
  if (env.AUTH_DEV_SIGNIN) {
    list.push(
      Credentials({
        id: DEV_PROVIDER_ID,
        name: 'Development sign-in',
        credentials: { email: { label: 'Email', type: 'email' } },
        authorize: async (credentials) => {
          const parsed = signInEmailInput.safeParse(credentials);
          return parsed.success ? upsertUserByEmail(parsed.data.email) : null;
        },
      }),
    );
  }
  return list;
}

/**
 * A sign-in link that could not be mailed. An AuthError, so next-auth hands it
 * back to the sign-in action, which says so, instead of turning it into a
 * generic "Configuration" error.
 */
class SignInLinkNotSent extends AuthError {
  static type = 'EmailSignInError';
}

/** Mails a sign-in link through the configured provider (the same one reactors use). */
async function sendSignInLink({ identifier, url }: { identifier: string; url: string }): Promise<void> {
  const mailer = providerMailer();
  if (!mailer) throw new SignInLinkNotSent('Email sign-in needs EMAIL_SERVER or RESEND_API_KEY.');
  try {
    await mailer.send({
      // A link is sent once and never retried, so any unique key will do.
      idempotencyKey: `sign-in/${randomUUID()}`,
      to: identifier,
      subject: 'Sign in to Streamline',
      text: [
        'Open this link to sign in to Streamline:',
        '',
        url,
        '',
        `It works once, within ${SIGN_IN_LINK_MAX_AGE_SECONDS / 60} minutes. If you did not ask to sign in, ignore this mail.`,
      ].join('\n'),
    });
  } catch (error) {
    logger.error({ component: 'auth', err: error }, 'sign-in link not sent');
    throw new SignInLinkNotSent('The sign-in link could not be mailed', error instanceof Error ? error : undefined);
  }
}

export const authConfig = {
  secret: env.AUTH_SECRET,
  adapter: DrizzleAdapter(db, {
    usersTable: users,
    accountsTable: accounts,
    sessionsTable: sessions,
    verificationTokensTable: verificationTokens,
  }),
  session: { strategy: 'jwt' },
  providers: providers(),
  // Errors (an expired or used link, a mail that could not be sent) come back to the sign-in page as ?error=<type>.
  pages: { signIn: '/sign-in', error: '/sign-in', verifyRequest: '/sign-in/check-email' },
  callbacks: {
    // A token issued before "sign out everywhere" (or an account deletion) ends the session: null signs it out.
    jwt: async ({ token }) => (token.sub && typeof token.iat === 'number' && (await isRevoked(token.sub, token.iat)) ? null : token),
    session: ({ session, token }) => {
      if (token.sub) session.user.id = token.sub;
      return session;
    },
  },
} satisfies NextAuthConfig;

export { EMAIL_PROVIDER_ID, enabledProviders } from './providers';
