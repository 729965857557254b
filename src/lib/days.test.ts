import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fillDays, lastDays, utcDay } from './days';

// Any day between 1970 and 2200, as a `YYYY-MM-DD` string.
const day = fc.integer({ min: 0, max: 84_000 }).map((n) => utcDay(new Date(n * 86_400_000)));

describe('lastDays', () => {
  it('crosses month, year and leap-day boundaries in UTC', () => {
    expect(lastDays('2024-03-01', 3)).toEqual(['2024-02-28', '2024-02-29', '2024-03-01']);
    expect(lastDays('2025-01-01', 2)).toEqual(['2024-12-31', '2025-01-01']);
  });

  it('gives `count` consecutive distinct days ending with today, oldest first', () => {
    fc.assert(
      fc.property(day, fc.integer({ min: 1, max: 60 }), (today, count) => {
        const days = lastDays(today, count);
        expect(days).toHaveLength(count);
        expect(days.at(-1)).toBe(today);
        for (let i = 1; i < days.length; i++) {
          expect(Date.parse(days[i] ?? '') - Date.parse(days[i - 1] ?? '')).toBe(86_400_000);
        }
      }),
    );
  });

  it('refuses what is not a day', () => {
    expect(() => lastDays('yesterday', 14)).toThrow('Not a day');
  });
});

describe('fillDays', () => {
  it('has every day of the window, 0 where there is no row, and the rows inside the window exactly', () => {
    const rows = fc.array(fc.record({ day, count: fc.integer({ min: 1, max: 1_000 }) }), { maxLength: 30 });
    fc.assert(
      fc.property(day, fc.integer({ min: 1, max: 30 }), rows, (today, count, input) => {
        const filled = fillDays(input, today, count);
        expect(filled.map((d) => d.day)).toEqual(lastDays(today, count));
        for (const { day: d, count: n } of filled) {
          expect(n).toBe(input.filter((r) => r.day === d).reduce((sum, r) => sum + r.count, 0));
        }
        const window = new Set(filled.map((d) => d.day));
        const inside = input.filter((r) => window.has(r.day)).reduce((sum, r) => sum + r.count, 0);
        expect(filled.reduce((sum, d) => sum + d.count, 0)).toBe(inside);
      }),
    );
  });
});
