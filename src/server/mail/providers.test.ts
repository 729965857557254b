import { describe, expect, it } from 'vitest';
import { alreadySent, RESEND_EMAILS_URL, resendMailer, resendRequest } from './resend';
import { messageIdFor, withTimeouts } from './smtp';

const mail = { idempotencyKey: 'invitation/0190a0b1-7c2d-7e3f-8a4b-5c6d7e8f9a0b', to: 'ada@example.com', subject: 'Hi', text: 'Hello' };
const opts = { apiKey: 're_test', from: 'Streamline <no-reply@example.com>' };

describe('Resend', () => {
  it('posts the mail with the idempotency key as Idempotency-Key', () => {
    const { url, init } = resendRequest(mail, opts);
    expect(url).toBe(RESEND_EMAILS_URL);
    expect(init.method).toBe('POST');
    expect(init.headers).toMatchObject({ Authorization: 'Bearer re_test', 'Idempotency-Key': mail.idempotencyKey, 'Content-Type': 'application/json' });
    expect(JSON.parse(String(init.body))).toEqual({ from: opts.from, to: ['ada@example.com'], subject: 'Hi', text: 'Hello' });
    expect(resendRequest({ ...mail, idempotencyKey: 'k'.repeat(300) }, opts).init.headers['Idempotency-Key']).toHaveLength(256);
  });

  it('takes a key reused with another body as sent, and throws on anything else', async () => {
    expect(alreadySent(409, { name: 'invalid_idempotent_request', message: 'Same idempotency key used with a different request payload.' })).toBe(true);
    expect(alreadySent(409, { name: 'concurrent_idempotent_requests' })).toBe(false);
    expect(alreadySent(422, { name: 'validation_error' })).toBe(false);
    expect(alreadySent(409, 'not json')).toBe(false);

    // A stand-in for the network (not for Redis or Postgres): answers as Resend documents.
    const answer = (status: number, body: unknown): typeof fetch => () => Promise.resolve(Response.json(body, { status }));
    await expect(resendMailer(opts, answer(200, { id: 'e1' })).send(mail)).resolves.toBeUndefined();
    await expect(resendMailer(opts, answer(409, { name: 'invalid_idempotent_request' })).send(mail)).resolves.toBeUndefined();
    await expect(resendMailer(opts, answer(429, { name: 'rate_limit_exceeded', message: 'Too many requests' })).send(mail)).rejects.toThrow(
      'Resend refused the mail (429: Too many requests)',
    );
  });
});

describe('SMTP Message-ID', () => {
  it('is stable per idempotency key, in the sender’s domain', () => {
    expect(messageIdFor(mail.idempotencyKey, opts.from)).toBe('<invitation.0190a0b1-7c2d-7e3f-8a4b-5c6d7e8f9a0b@example.com>');
    expect(messageIdFor(mail.idempotencyKey, 'no-reply@mail.example.org')).toBe('<invitation.0190a0b1-7c2d-7e3f-8a4b-5c6d7e8f9a0b@mail.example.org>');
    expect(messageIdFor('a b<c>', opts.from)).toBe('<a.b.c@example.com>');
  });
});

describe('SMTP timeouts', () => {
  it('bounds every wait unless the URL sets its own, keeping credentials and other options', () => {
    const url = new URL(withTimeouts('smtp://us%40er:p%3Ass@smtp.example.com:587?socketTimeout=5000&tls.rejectUnauthorized=false'));
    expect(Object.fromEntries(url.searchParams)).toEqual({
      socketTimeout: '5000',
      'tls.rejectUnauthorized': 'false',
      connectionTimeout: '10000',
      greetingTimeout: '10000',
    });
    expect([url.username, url.password, url.host]).toEqual(['us%40er', 'p%3Ass', 'smtp.example.com:587']);
  });
});
