/**
 * Mail: the `Mailer` interface and the implementation in use, chosen by the
 * environment:
 * - RESEND_API_KEY: Resend's HTTP API (./resend.ts);
 * - EMAIL_SERVER: an SMTP server (./smtp.ts);
 * - neither: the development mailbox, a table shown at /dev/mailbox
 *   (./dev-mailbox.ts), which development and the integration tests use.
 *
 * Sign-in links (next-auth's email sign-in, src/server/auth) go out through the
 * same provider. Edit this file to add a provider.
 */
import type { Logger } from 'pino';
import { env } from '~/env';
import { logger } from '~/server/logger';
import type { Tx } from '~/server/projectors/define-projector';
import { getRedis, keys } from '~/server/redis';
import { devMailer } from './dev-mailbox';
import type { Mailer } from './mailer';
import { resendMailer } from './resend';
import { sentOnce } from './sent-once';
import { smtpMailer } from './smtp';

export type { Mail, Mailer } from './mailer';
export { devMailbox, mailsTo } from './dev-mailbox';

let provider: Mailer | null | undefined;

/** The configured provider, sending at once; null when mail goes to the development mailbox. */
export function providerMailer(): Mailer | null {
  if (provider === undefined) {
    // The environment requires EMAIL_FROM with either provider.
    const from = env.EMAIL_FROM;
    if (from && env.RESEND_API_KEY) provider = resendMailer({ apiKey: env.RESEND_API_KEY, from });
    else if (from && env.EMAIL_SERVER) provider = smtpMailer({ server: env.EMAIL_SERVER, from });
    else provider = null;
  }
  return provider;
}

/**
 * The mailer a reactor sends through, bound to its transaction. The
 * development mailbox writes in that transaction, so its mail commits or rolls
 * back with the event's record; a provider cannot roll back, so its mails are
 * remembered as sent once it accepted them (./sent-once.ts). `log`: the
 * reactor's logger for the event (its correlation id included).
 */
export function mailerFor(tx: Tx, log: Logger = logger): Mailer {
  const real = providerMailer();
  if (!real) return devMailer(tx);
  return sentOnce(real, { redis: getRedis(), keys, log: log.child({ component: 'mail' }) });
}
