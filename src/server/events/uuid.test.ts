import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { uuidv7 } from './uuid';

describe('uuidv7', () => {
  it('is a valid RFC 9562 version-7 UUID carrying its creation millisecond', () => {
    fc.assert(
      fc.property(fc.nat(5), (burst) => {
        const before = Date.now();
        const ids = Array.from({ length: burst + 1 }, () => uuidv7());
        for (const id of ids) {
          expect(z.uuid({ version: 'v7' }).safeParse(id).success).toBe(true);
          const ms = Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16);
          expect(ms).toBeGreaterThanOrEqual(before);
          expect(ms).toBeLessThanOrEqual(Date.now() + 1_000); // may borrow ahead after 4096 ids in one ms
        }
      }),
    );
  });

  it('sorts in creation order, even many in one millisecond, and never repeats', () => {
    const ids = Array.from({ length: 50_000 }, () => uuidv7());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
