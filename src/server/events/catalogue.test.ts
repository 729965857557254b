import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidEventError } from '~/server/errors';
import { createCatalogue, decodeEnvelope } from './catalogue';
import { defineEvent } from './define-event';
import { compareStreamIds, type RawEnvelope } from './envelope';

const renamed = defineEvent({
  type: 'item.renamed',
  version: 3,
  description: 'Emitted when an item gets a new title.',
  example: { title: 'New title', by: 'ada' },
  data: z.object({ title: z.string().max(50), by: z.string() }),
  upcast: {
    1: (d) => ({ title: z.object({ name: z.string() }).parse(d).name }), // v1 called it "name"
    2: (d) => ({ ...z.object({ title: z.string() }).parse(d), by: 'unknown' }), // v3 added "by"
  },
});
const archived = defineEvent({ type: 'item.archived', version: 1, description: 'Emitted when an item is archived.', example: {}, data: z.object({}) });
const catalogue = createCatalogue([renamed, archived]);

function entry(over: Partial<RawEnvelope>): Record<string, string> {
  const envelope: RawEnvelope = {
    id: randomUUID(), type: 'item.renamed', v: 3, aggregateId: 'i1', aggregateVersion: 1, organizationId: 'o1',
    actorId: 'u1', correlationId: 'c1', causationId: null, occurredAt: new Date(0).toISOString(), data: { title: 't', by: 'me' }, ...over,
  };
  return { e: JSON.stringify(envelope) };
}
const at = { partition: 0, id: '1-0' };

describe('defineEvent', () => {
  it('validates data when a draft is created', () => {
    expect(renamed.create({ title: 'ok', by: 'me' })).toEqual({ type: 'item.renamed', data: { title: 'ok', by: 'me' } });
    expect(() => renamed.create({ title: 'x'.repeat(51), by: 'me' })).toThrow(InvalidEventError);
  });

  it('fails at start-up on a duplicate type', () => {
    expect(() => createCatalogue([archived, defineEvent({ ...archived, upcast: {} })])).toThrow(/defined twice/);
  });
});

describe('decode', () => {
  it('upcasts every older version to the current shape', () => {
    const v1 = catalogue.decode(entry({ v: 1, data: { name: 'old' } }), at);
    const v2 = catalogue.decode(entry({ v: 2, data: { title: 'mid' } }), at);
    const v3 = catalogue.decode(entry({ v: 3, data: { title: 'new', by: 'ada' } }), at);
    expect([v1, v2, v3].map((r) => (r.ok ? r.event.data : r.error))).toEqual([
      { title: 'old', by: 'unknown' },
      { title: 'mid', by: 'unknown' },
      { title: 'new', by: 'ada' },
    ]);
  });

  it('reports, never throws, for anything it cannot read, and keeps the aggregate id when it can', () => {
    const cases = [
      [{ e: 'not json' }, 'invalid JSON'],
      [{}, 'invalid JSON'],
      [entry({ type: 'item.exploded' }), 'unknown event type "item.exploded"'],
      [entry({ v: 4 }), 'newer than this code knows'],
      [entry({ data: { title: 42 } }), 'invalid data for item.renamed'],
    ] as const;
    for (const [fields, message] of cases) {
      const result = catalogue.decode(fields, at);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error).toContain(message);
    }
    const unknown = catalogue.decode(entry({ type: 'item.exploded', aggregateId: 'kept' }), at);
    expect(unknown).toMatchObject({ ok: false, aggregateId: 'kept' });
  });

  it('never throws on arbitrary input (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.string()), fc.anything(), (fields, data) => {
        expect(() => catalogue.decode(fields, at)).not.toThrow();
        expect(() => catalogue.decode(entry({ data }), at)).not.toThrow();
        expect(() => decodeEnvelope(fields)).not.toThrow();
      }),
    );
  });

  it('round-trips any valid data through encode and decode (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 50 }), fc.string(), fc.integer({ min: 1, max: 1e6 }), (title, by, version) => {
        const result = catalogue.decode(entry({ data: { title, by }, aggregateVersion: version }), { partition: 2, id: '5-1' });
        expect(result.ok && result.event).toMatchObject({ data: { title, by }, aggregateVersion: version, position: { partition: 2, id: '5-1' } });
      }),
    );
  });
});

describe('compareStreamIds', () => {
  const id = fc.tuple(fc.bigInt({ min: 0n, max: 2n ** 53n }), fc.bigInt({ min: 0n, max: 2n ** 40n }));
  it('orders like (ms, seq) numerically, not as text', () => {
    expect(compareStreamIds('5-10', '5-9')).toBe(1);
    expect(compareStreamIds('10-0', '9-99')).toBe(1);
    fc.assert(
      fc.property(id, id, ([am, as], [bm, bs]) => {
        const expected = am === bm ? Math.sign(Number(as - bs)) : am < bm ? -1 : 1;
        expect(compareStreamIds(`${am}-${as}`, `${bm}-${bs}`)).toBe(expected);
        expect(compareStreamIds(`${bm}-${bs}`, `${am}-${as}`)).toBe(-expected || 0);
      }),
    );
  });
});
