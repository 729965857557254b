/**
 * Real mail through the `Mailer`: the SMTP mailer against a local SMTP server
 * (test/support/smtp-sink.ts), and the promise that a reactor's mail goes out
 * once per event even when the batch transaction it was sent from rolls back
 * and runs again (src/server/mail/sent-once.ts).
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendEvents } from '~/server/events/append';
import { SENT_MAIL_TTL_SECONDS, sentOnce } from '~/server/mail/sent-once';
import { smtpMailer } from '~/server/mail/smtp';
import type { Mailer } from '~/server/mail';
import { listDeadLetters, retryDeadLetters } from '~/server/projectors/dead-letters';
import { defineReactor } from '~/server/projectors/define-projector';
import { counterIncremented, testCatalogue } from '../support/event-core';
import { createHarness, type Harness } from '../support/event-harness';
import { captureLogs } from '../support/log-capture';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';

const FROM = 'Streamline <no-reply@streamline.test>';

let h: Harness;
let sink: SmtpSink;
beforeEach(async () => {
  h = await createHarness({ partitions: 1 });
  sink = await startSmtpSink();
});
afterEach(async () => {
  await sink.stop();
  await h.close();
});

const once = (mailer: Mailer) => sentOnce(mailer, { redis: h.redis, keys: h.keys, log: captureLogs().logger });

describe('SMTP mailer', () => {
  it('delivers the mail, with a Message-ID derived from its idempotency key', async () => {
    const key = `invitation/${randomUUID()}`;
    const url = `http://127.0.0.1:3000/invite/${randomUUID()}/${randomUUID()}?token=${'t'.repeat(43)}`;
    await smtpMailer({ server: sink.url, from: FROM }).send({ idempotencyKey: key, to: 'Ada@Example.com', subject: 'You are invited', text: `Open ${url} to accept.` });
    expect(sink.mails).toEqual([
      expect.objectContaining({
        to: ['ada@example.com'],
        from: 'no-reply@streamline.test',
        subject: 'You are invited',
        messageId: `<${key.replace('/', '.')}@streamline.test>`,
      }),
    ]);
    // A link longer than a mail line arrives whole.
    expect(sink.mails[0]?.text.trim()).toBe(`Open ${url} to accept.`);
  });

  it('fails when the server refuses the recipient', async () => {
    const mailer = smtpMailer({ server: sink.url, from: FROM });
    await expect(mailer.send({ idempotencyKey: randomUUID(), to: 'refused@example.com', subject: 's', text: 't' })).rejects.toThrow();
    expect(sink.mails).toEqual([]);
  });
});

describe('sentOnce', () => {
  it('sends a key once, from any mailer instance, and remembers it for 30 days; other keys go out', async () => {
    const key = `test/${randomUUID()}`;
    const mail = { idempotencyKey: key, to: 'bo@example.com', subject: 'Hello', text: 'Hi' };
    await once(smtpMailer({ server: sink.url, from: FROM })).send(mail);
    await once(smtpMailer({ server: sink.url, from: FROM })).send(mail);
    expect(sink.mails).toHaveLength(1);
    const ttl = await h.redis.ttl(h.keys.mailSent(key));
    expect(ttl).toBeGreaterThan(SENT_MAIL_TTL_SECONDS - 60);
    expect(ttl).toBeLessThanOrEqual(SENT_MAIL_TTL_SECONDS);
    await once(smtpMailer({ server: sink.url, from: FROM })).send({ ...mail, idempotencyKey: `test/${randomUUID()}` });
    expect(sink.mails).toHaveLength(2);
  });

  it('records nothing when the send fails, so a retry sends', async () => {
    const key = `test/${randomUUID()}`;
    const failing: Mailer = { send: () => Promise.reject(new Error('server down')) };
    await expect(once(failing).send({ idempotencyKey: key, to: 'cy@example.com', subject: 's', text: 't' })).rejects.toThrow('server down');
    await once(smtpMailer({ server: sink.url, from: FROM })).send({ idempotencyKey: key, to: 'cy@example.com', subject: 's', text: 't' });
    expect(sink.mails).toHaveLength(1);
  });
});

describe('a mail reactor over SMTP', () => {
  it('sends each event’s mail once although a failing event rolls its batch back after earlier sends; parked events mail once on retry', async () => {
    const mailer = once(smtpMailer({ server: sink.url, from: FROM }));
    const refused = new Set<string>();
    const reactor = defineReactor({
      name: `mailer-${randomUUID().slice(0, 8)}`,
      events: [counterIncremented],
      handlers: {
        'counter.incremented': async (event) => {
          await mailer.send({ idempotencyKey: `counter/${event.id}`, to: `${event.data.note}@example.com`, subject: `Note ${event.data.note}`, text: event.id });
          // Fails after its mail went out, as a handler that writes after sending might.
          if (refused.has(event.data.note)) throw new Error(`refusing ${event.data.note}`);
        },
      },
    });
    const organizationId = randomUUID();
    const inc = (note: string) => counterIncremented.create({ by: 1, note });
    await appendEvents(h.store, { organizationId, actorId: 'u', streams: [{ aggregateId: 'x', expectedVersion: 0, events: [inc('a'), inc('b')] }] });
    await appendEvents(h.store, { organizationId, actorId: 'u', streams: [{ aggregateId: 'y', expectedVersion: 0, events: [inc('c'), inc('d')] }] });
    refused.add('c');

    // One batch: the straight run sends a, b and c, fails at c and rolls back; the entry-by-entry
    // run applies a and b again, retries c and parks it with d behind it.
    const runtime = h.runtime([reactor], { maxAttempts: 3 });
    await runtime.drain({ maxMs: 10_000, maxEvents: 100 });
    await runtime.releaseAll();
    expect((await listDeadLetters(h.db, reactor.name)).map((d) => d.status)).toEqual(['failed', 'blocked']);
    expect(sink.mails.map((m) => m.subject).sort()).toEqual(['Note a', 'Note b', 'Note c']);

    refused.clear();
    await expect(retryDeadLetters({ db: h.db, catalogue: testCatalogue, projector: reactor }, 'y')).resolves.toEqual({ applied: 2 });
    expect(sink.mails.map((m) => m.subject).sort()).toEqual(['Note a', 'Note b', 'Note c', 'Note d']);
  });
});
