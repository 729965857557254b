/** Sealing personal fields: what is stored, what reads back, and what an erased person's data reads as. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createCatalogue } from './catalogue';
import { defineEvent } from './define-event';
import { ERASED, seal, sealedSubjects, subjects } from './personal';

const invited = defineEvent({
  type: 'guest.invited',
  version: 1,
  description: 'Emitted when a test invites a guest.',
  example: { guestId: 'g1', email: 'ada@example.com', note: 'hi' },
  data: z.object({ guestId: z.string(), email: z.email(), note: z.string() }),
  personal: { subject: (d) => subjects.user(d.guestId), fields: ['email'] },
});
const catalogue = createCatalogue([invited]);
const at = { partition: 0, id: '1-1' };
const entry = (data: unknown) => ({
  e: JSON.stringify({ id: '0190f5a2-6b1d-7c2e-8f3a-4d5e6f708192', type: 'guest.invited', v: 1, aggregateId: 'a', aggregateVersion: 1, organizationId: 'o', actorId: 'u', correlationId: 'c', causationId: null, occurredAt: new Date(0).toISOString(), data }),
});

describe('personal fields', () => {
  const key = randomBytes(32);
  const data = { guestId: 'g1', email: 'ada@example.com', note: 'hi' };
  const sealed = seal(data, { subject: subjects.user('g1'), fields: ['email'] }, key);

  it('are stored only as ciphertext, the other fields as they are', () => {
    expect(JSON.stringify(sealed)).not.toContain('ada@example.com');
    expect(sealed).toMatchObject({ guestId: 'g1', note: 'hi', $personal: { s: 'user:g1', f: ['email'] } });
    expect(sealedSubjects([entry(sealed), entry(data)])).toEqual(['user:g1']);
  });

  it('read back with the key, and as "Deleted user" without it', () => {
    const open = catalogue.decode(entry(sealed), at, new Map([['user:g1', key]]));
    expect(open.ok && open.event.data).toEqual(data);
    const erased = catalogue.decode(entry(sealed), at, new Map());
    expect(erased.ok && erased.event.data).toEqual({ ...data, email: ERASED });
  });

  it('refuse to read without the keys asked for, or with a wrong key', () => {
    expect(catalogue.decode(entry(sealed), at)).toMatchObject({ ok: false, error: expect.stringContaining('without its keys') });
    expect(catalogue.decode(entry(sealed), at, new Map([['user:g1', randomBytes(32)]]))).toMatchObject({ ok: false, error: expect.stringContaining('does not open') });
  });

  it('must be string fields of the schema', () => {
    expect(() =>
      defineEvent({
        type: 'guest.counted',
        version: 1,
        description: 'Emitted when a test counts.',
        example: { n: 1 },
        data: z.object({ n: z.number() }),
        // @ts-expect-error a number is never personal text
        personal: { subject: () => 'user:x', fields: ['n'] },
      }),
    ).not.toThrow();
    expect(() =>
      defineEvent({
        type: 'guest.counted',
        version: 1,
        description: 'Emitted when a test counts.',
        example: { n: 1 },
        data: z.object({ n: z.number() }),
        // @ts-expect-error not a field at all
        personal: { subject: () => 'user:x', fields: ['missing'] },
      }),
    ).toThrow(/not in its schema/);
  });
});
