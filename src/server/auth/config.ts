/**
 * next-auth configuration. Providers:
 * - GitHub, when AUTH_GITHUB_ID and AUTH_GITHUB_SECRET are set;
 * - "dev": sign in with just an email, no external service. Enabled outside
 *   production, or anywhere with AUTH_DEV_SIGNIN=true (tests, demos). Never
 *   enable it on a public deployment: anyone could sign in as anyone.
 *
 * Sessions are JWTs (the Credentials provider requires it); users and linked
 * accounts are stored in Postgres through the Drizzle adapter.
 */
import { DrizzleAdapter } from '@auth/drizzle-adapter';
import type { NextAuthConfig } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import GitHub from 'next-auth/providers/github';
import { z } from 'zod';
import { env } from '~/env';
import { db } from '~/server/db';
import { accounts, sessions, users, verificationTokens } from '~/server/db/auth-schema';
import { upsertUserByEmail } from './users';

declare module 'next-auth' {
  interface Session {
    user: { id: string; email: string; name?: string | null; image?: string | null };
  }
}

export const DEV_PROVIDER_ID = 'dev';

export const devSignInInput = z.object({
  email: z.email('Enter a valid email address').max(254).toLowerCase(),
});

function providers(): NextAuthConfig['providers'] {
  const list: NextAuthConfig['providers'] = [];
  if (env.AUTH_GITHUB_ID && env.AUTH_GITHUB_SECRET) {
    list.push(GitHub({ clientId: env.AUTH_GITHUB_ID, clientSecret: env.AUTH_GITHUB_SECRET }));
  }
  if (env.AUTH_DEV_SIGNIN) {
    list.push(
      Credentials({
        id: DEV_PROVIDER_ID,
        name: 'Development sign-in',
        credentials: { email: { label: 'Email', type: 'email' } },
        authorize: async (credentials) => {
          const parsed = devSignInInput.safeParse(credentials);
          return parsed.success ? upsertUserByEmail(parsed.data.email) : null;
        },
      }),
    );
  }
  return list;
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
  pages: { signIn: '/sign-in' },
  callbacks: {
    session: ({ session, token }) => {
      if (token.sub) session.user.id = token.sub;
      return session;
    },
  },
} satisfies NextAuthConfig;

export { enabledProviders } from './providers';
