/**
 * Mail through an SMTP server (EMAIL_SERVER, e.g. smtp://user:pass@host:587),
 * with nodemailer. One transport per process, opening a connection per mail:
 * nothing to keep alive between serverless invocations.
 *
 * SMTP has no idempotency key. The mail's `Message-ID` is derived from its
 * idempotency key, so a repeated send carries the same id (some servers and
 * clients fold such duplicates), and ./sent-once.ts keeps a mail that went out
 * from being sent again. Edit this file to change transport options.
 */
import { createTransport } from 'nodemailer';
import type { Mailer } from './mailer';

export interface SmtpOptions {
  /** smtp:// (STARTTLS when offered) or smtps:// URL. */
  server: string;
  /** `no-reply@example.com` or `Name <no-reply@example.com>`. */
  from: string;
}

/** The `Message-ID` of the mail with this idempotency key, in the sender's domain. */
export function messageIdFor(idempotencyKey: string, from: string): string {
  const domain = /@([^\s@<>]+)>?\s*$/.exec(from)?.[1] ?? 'localhost';
  const left = idempotencyKey.replace(/[^A-Za-z0-9_-]+/g, '.').replace(/^\.+|\.+$/g, '') || 'mail';
  return `<${left}@${domain}>`;
}

/**
 * Bounded, because a reactor sends inside its batch's transaction: a hung
 * server must not hold it for minutes (nodemailer's defaults are 2 to 10).
 */
const TIMEOUTS_MS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 };

/** The server URL with the timeouts above, unless it sets its own: nodemailer reads options from the URL's query. */
export function withTimeouts(server: string): string {
  const url = new URL(server);
  for (const [name, ms] of Object.entries(TIMEOUTS_MS)) if (!url.searchParams.has(name)) url.searchParams.set(name, String(ms));
  return url.toString();
}

export function smtpMailer(opts: SmtpOptions): Mailer {
  let transport: ReturnType<typeof createTransport> | undefined;
  return {
    send: async (mail) => {
      transport ??= createTransport(withTimeouts(opts.server));
      const info = await transport.sendMail({
        from: opts.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        messageId: messageIdFor(mail.idempotencyKey, opts.from),
      });
      // With every recipient refused nodemailer throws; this catches a partial refusal.
      const refused = info.rejected.map((a) => (typeof a === 'string' ? a : a.address));
      if (refused.length > 0) throw new Error(`SMTP server refused mail to ${refused.join(', ')}`);
    },
  };
}
