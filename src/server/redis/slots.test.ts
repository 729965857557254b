import { describe, expect, it } from 'vitest';
import { hashTag, slotOf } from './slots';

describe('slotOf', () => {
  it('gives the slots the Redis Cluster specification lists', () => {
    expect(slotOf('foo')).toBe(12182);
    expect(slotOf('123456789')).toBe(0x31c3 % 16384); // the CRC16/XMODEM check value
    expect(slotOf('')).toBe(0);
  });

  it('hashes only the first non-empty tag', () => {
    expect(slotOf('{user1000}.following')).toBe(slotOf('{user1000}.followers'));
    expect(slotOf('sl:{p3}:events')).toBe(slotOf('other:{p3}:ver:x'));
    expect(hashTag('foo{}{bar}')).toBe('foo{}{bar}');
    expect(hashTag('foo{{bar}}zap')).toBe('{bar');
    expect(hashTag('foo{bar}{zap}')).toBe('bar');
  });
});
