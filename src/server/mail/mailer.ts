/**
 * The one interface mail goes out through. Reactors get a `Mailer` from
 * `mailerFor` (./index.ts) and never know where mail ends up: the development
 * mailbox, an SMTP server or Resend, as the environment says.
 *
 * Edit it when every mail needs something new (an HTML part, a reply-to).
 */
export interface Mail {
  to: string;
  subject: string;
  text: string;
  /**
   * Names this one mail, stably across retries: what it is and the event that
   * caused it, e.g. `invitation/<event id>`. A mail whose key already went out
   * is not sent again (see ./sent-once.ts); providers that deduplicate get it
   * too (Resend's `Idempotency-Key`; SMTP's `Message-ID`). Two different mails
   * must never share a key, so a reactor sending several per event numbers them.
   */
  idempotencyKey: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
}
