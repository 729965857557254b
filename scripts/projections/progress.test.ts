import { describe, expect, it } from 'vitest';
import { progressLine } from './progress';

describe('progressLine', () => {
  it('shows events done of the total, the rate and the time left, with or without a bar', () => {
    const p = { done: 9_000, total: 20_000, perSecond: 4_100.4, secondsLeft: 2.7, finished: false };
    expect(progressLine(p, { bar: false })).toBe('45% · 9,000 / 20,000 events · 4,100 ev/s · 3 s left');
    expect(progressLine(p, { bar: true })).toBe(`[${'█'.repeat(11)}${'░'.repeat(13)}] 45% · 9,000 / 20,000 events · 4,100 ev/s · 3 s left`);
  });

  it('says when the time left is unknown, in minutes and hours when long, and done at the end', () => {
    expect(progressLine({ done: 0, total: 10, perSecond: 0, secondsLeft: null, finished: false }, { bar: false })).toBe('0% · 0 / 10 events · 0 ev/s · time left unknown');
    expect(progressLine({ done: 1, total: 10, perSecond: 1, secondsLeft: 125, finished: false }, { bar: false })).toContain('2 min 5 s left');
    expect(progressLine({ done: 1, total: 10, perSecond: 1, secondsLeft: 3 * 3600 + 600, finished: false }, { bar: false })).toContain('3 h 10 min left');
    expect(progressLine({ done: 0, total: 0, perSecond: 0, secondsLeft: 0, finished: true }, { bar: false })).toBe('100% · 0 / 0 events · 0 ev/s · done');
  });
});
