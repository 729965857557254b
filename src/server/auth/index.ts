/**
 * The one door to authentication. Everything else imports from here, never
 * from `next-auth` directly, so the auth library can be swapped in one place.
 */
import NextAuth from 'next-auth';
import { cache } from 'react';
import { authConfig } from './config';

const nextAuth = NextAuth(authConfig);

export const { handlers, signIn, signOut } = nextAuth;

/** The current session, or null. Cached per request. */
export const auth = cache(nextAuth.auth);

export { DEV_PROVIDER_ID, EMAIL_PROVIDER_ID, SIGN_IN_LINK_MAX_AGE_SECONDS, enabledProviders, signInEmailInput } from './config';
export { AuthError } from 'next-auth';
export type { Session } from 'next-auth';
