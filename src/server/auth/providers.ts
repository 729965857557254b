/**
 * Which sign-in methods are on, from the environment alone. Kept apart from
 * ./config.ts so server code that only asks "is the development sign-in on?"
 * (the tRPC routers) does not load next-auth.
 */
import { env } from '~/env';

export const enabledProviders = {
  github: Boolean(env.AUTH_GITHUB_ID && env.AUTH_GITHUB_SECRET),
  dev: env.AUTH_DEV_SIGNIN,
};
