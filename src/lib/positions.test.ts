import { describe, expect, it } from 'vitest';
import { covers, later } from './positions';

describe('covers', () => {
  it('is true once the read model applied the write or anything after it, in the same partition', () => {
    const write = { partition: 1, id: '1700000000000-5' };
    expect(covers({ partition: 1, id: '1700000000000-5' }, write)).toBe(true);
    expect(covers({ partition: 1, id: '1700000000001-0' }, write)).toBe(true);
    expect(covers({ partition: 1, id: '1700000000000-4' }, write)).toBe(false);
    expect(covers({ partition: 2, id: '1800000000000-0' }, write)).toBe(false);
    expect(covers(null, write)).toBe(false);
  });
});

describe('later', () => {
  it('keeps the furthest write', () => {
    const a = { partition: 0, id: '10-0' };
    const b = { partition: 0, id: '9-3' };
    expect(later(a, b)).toBe(a);
    expect(later(b, a)).toBe(a);
    expect(later(null, b)).toBe(b);
  });
});
