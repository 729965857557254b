/**
 * Which sign-in methods are on, from the environment alone. Kept apart from
 * ./config.ts so server code that only asks "is the development sign-in on?"
 * (the tRPC routers) does not load next-auth.
 */
import { env } from '~/env';

/** next-auth's id of the email sign-in: its Resend provider, or its Nodemailer (SMTP) one. */
export const EMAIL_PROVIDER_ID = env.EMAIL_PROVIDER === 'resend' ? 'resend' : 'nodemailer';

export const enabledProviders = {
  github: Boolean(env.AUTH_GITHUB_ID && env.AUTH_GITHUB_SECRET),
  /** Sign-in links by email (EMAIL_SERVER or RESEND_API_KEY). */
  email: env.EMAIL_PROVIDER !== null,
  dev: env.AUTH_DEV_SIGNIN,
};
