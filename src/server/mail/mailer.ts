/**
 * The one interface mail goes out through. Reactors get a `Mailer` and never
 * know where mail ends up. To send real mail, add an implementation that calls
 * your provider (passing the event id as its idempotency key, since a reactor
 * may be retried before its transaction commits) and return it from
 * `mailerFor` in ./index.ts.
 */
export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
}
