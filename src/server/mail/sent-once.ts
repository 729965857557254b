/**
 * Remembers, in Redis, which mails went out, so a mail is not sent again
 * when the reactor that sent it runs again.
 *
 * Why this is needed: a reactor sends from inside its batch's Postgres
 * transaction, and the runtime records the event as handled in that same
 * transaction. If the transaction rolls back after the send (another event of
 * the batch failed, so the batch reruns entry by entry; the lease moved; the
 * commit failed), the event is handled again. The development mailbox rolls
 * back with it; a real provider cannot. So before sending, the key of the mail
 * is looked up here, and it is recorded as soon as the provider accepted the
 * mail, outside the transaction, where no rollback undoes it.
 *
 * What remains: a process that dies between the provider's acceptance and the
 * record (or a Redis that refuses the record) sends that mail once more on
 * retry. Resend then still answers from its own idempotency key (24 hours);
 * over SMTP the recipient may get it twice, with the same Message-ID.
 *
 * Edit it to change how long a sent mail is remembered.
 */
import type { Logger } from 'pino';
import type { Redis } from '~/server/redis';
import type { Keys } from '~/server/redis/keys';
import type { Mailer } from './mailer';

/** Longer than any invitation stays open, and than an operator takes to retry a parked event. */
export const SENT_MAIL_TTL_SECONDS = 30 * 24 * 60 * 60;

export function sentOnce(mailer: Mailer, deps: { redis: Redis; keys: Keys; log: Logger }): Mailer {
  return {
    send: async (mail) => {
      const key = deps.keys.mailSent(mail.idempotencyKey);
      if ((await deps.redis.exists(key)) > 0) {
        deps.log.info({ idempotencyKey: mail.idempotencyKey }, 'mail already sent; not sending it again');
        return;
      }
      await mailer.send(mail);
      try {
        await deps.redis.set(key, String(Date.now()), { expiration: { type: 'EX', value: SENT_MAIL_TTL_SECONDS } });
      } catch (error) {
        // The mail is out: failing now would roll the reactor back and send it again.
        deps.log.warn({ idempotencyKey: mail.idempotencyKey, err: error }, 'mail sent, but not recorded; a retry of its event would send it again');
      }
    },
  };
}
