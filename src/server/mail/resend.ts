/**
 * Mail through Resend's HTTP API (RESEND_API_KEY). Each request carries the
 * mail's idempotency key as `Idempotency-Key`: for 24 hours Resend answers a
 * repeated request with the first one's result instead of sending again.
 *
 * Edit this file when Resend's API changes.
 */
import { z } from 'zod';
import type { Mail, Mailer } from './mailer';

export const RESEND_EMAILS_URL = 'https://api.resend.com/emails';

export interface ResendOptions {
  apiKey: string;
  /** `no-reply@example.com` or `Name <no-reply@example.com>`, on a domain verified with Resend. */
  from: string;
}

/** The request that sends `mail`. Pure: exported for tests. */
export function resendRequest(mail: Mail, opts: ResendOptions): { url: string; init: RequestInit & { headers: Record<string, string> } } {
  return {
    url: RESEND_EMAILS_URL,
    init: {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${opts.apiKey}`,
        'Content-Type': 'application/json',
        // Resend accepts keys of up to 256 characters.
        'Idempotency-Key': mail.idempotencyKey.slice(0, 256),
      },
      body: JSON.stringify({ from: opts.from, to: [mail.to], subject: mail.subject, text: mail.text }),
      signal: AbortSignal.timeout(20_000),
    },
  };
}

const errorBody = z.object({ name: z.string().optional(), message: z.string().optional() }).loose();

/**
 * Whether a failed response means the mail went out already: the same key was
 * used with a different body (a reactor read a name that changed meanwhile).
 * Any other failure throws, so the reactor retries it.
 */
export function alreadySent(status: number, body: unknown): boolean {
  const parsed = errorBody.safeParse(body);
  return status === 409 && parsed.success && parsed.data.name === 'invalid_idempotent_request';
}

export function resendMailer(opts: ResendOptions, fetchImpl: typeof fetch = fetch): Mailer {
  return {
    send: async (mail) => {
      const { url, init } = resendRequest(mail, opts);
      const response = await fetchImpl(url, init);
      if (response.ok) return;
      const body: unknown = await response.json().catch(() => null);
      if (alreadySent(response.status, body)) return;
      const parsed = errorBody.safeParse(body);
      throw new Error(`Resend refused the mail (${response.status}${parsed.success && parsed.data.message ? `: ${parsed.data.message}` : ''})`);
    },
  };
}
