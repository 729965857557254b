import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareStreamIds } from '~/server/events/envelope';
import { acknowledgeable, backoffMs, contiguousPrefix, unappliedAfter } from './batch';

/** Strictly increasing stream ids, like one partition's stream. */
const stream = fc
  .uniqueArray(fc.tuple(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 0, max: 20 })), { selector: ([ms, seq]) => `${ms}-${seq}`, maxLength: 60 })
  .map((pairs) => pairs.map(([ms, seq]) => ({ id: `${ms}-${seq}` })).sort((a, b) => compareStreamIds(a.id, b.id)));

describe('batch decisions', () => {
  it('unappliedAfter keeps exactly the entries after the checkpoint, in order', () => {
    fc.assert(
      fc.property(stream, fc.nat(60), (entries, cut) => {
        const checkpoint = entries[Math.min(cut, entries.length - 1)]?.id ?? '0-0';
        const rest = unappliedAfter(entries, checkpoint);
        expect(rest.every((e) => compareStreamIds(e.id, checkpoint) > 0)).toBe(true);
        expect(rest.length + acknowledgeable(entries, checkpoint).length).toBe(entries.length);
      }),
    );
  });

  it('contiguousPrefix stops at the first entry that is not the next one in the stream', () => {
    fc.assert(
      fc.property(stream, fc.array(fc.boolean(), { maxLength: 60 }), (entries, keep) => {
        // A batch is the stream with some entries missing (held by another consumer).
        const batch = entries.filter((_, i) => keep[i] ?? true);
        const n = contiguousPrefix(batch, entries);
        expect(batch.slice(0, n)).toEqual(entries.slice(0, n));
        if (n < batch.length) expect(batch[n]?.id).not.toBe(entries[n]?.id);
      }),
    );
  });

  it('acknowledges nothing past the committed position', () => {
    fc.assert(
      fc.property(stream, fc.nat(60), (entries, cut) => {
        const last = entries[Math.min(cut, entries.length - 1)]?.id ?? '0-0';
        for (const id of acknowledgeable(entries, last)) expect(compareStreamIds(id, last)).toBeLessThanOrEqual(0);
      }),
    );
  });

  it('backs off by doubling, within bounds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 1_000 }), fc.integer({ min: 1_000, max: 60_000 }), (attempts, base, max) => {
        const wait = backoffMs(attempts, base, max);
        expect(wait).toBeGreaterThanOrEqual(Math.min(base, max));
        expect(wait).toBeLessThanOrEqual(max);
        expect(backoffMs(attempts + 1, base, max)).toBeGreaterThanOrEqual(wait);
      }),
    );
  });
});
