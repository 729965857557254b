/**
 * The hash slot computation against values Redis 7.0 itself gave (`CLUSTER
 * KEYSLOT`), including each of the spec's hash-tag rules; the integration test
 * test/integration/redis-cluster-harness.test.ts asks a live cluster too.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLUSTER_SLOTS, crc16, hashTag, slotOf } from './slots';

describe('slotOf', () => {
  it.each([
    ['foo', 12182],
    ['', 0],
    ['123456789', 12739],
    ['{user1000}.following', 3443],
    ['{user1000}.followers', 3443],
    // An empty tag does not count: the whole key is hashed.
    ['{}foo', 9500],
    ['foo{}{bar}', 8363],
    // The first '{' and the first '}' after it.
    ['foo{{bar}}zap', 4015],
    ['foo{bar}{zap}', 5061],
    ['a}b{c}', 7365],
    // Unclosed braces: the whole key.
    ['{', 4092],
    ['}', 12090],
    ['a{b', 13340],
    // Multi-byte characters hash as their UTF-8 bytes.
    ['é', 10180],
    ['日本語', 12788],
    // The app's partition tags.
    ['sl:{p0}:events', 15882],
    ['sl:{p3}:events', 3689],
    ['sl:{p15}:events', 2138],
  ])('%j is in slot %i', (key, slot) => {
    expect(slotOf(key)).toBe(slot);
  });

  it('is the CRC16/XMODEM check value for the standard input', () => {
    expect(crc16(new TextEncoder().encode('123456789'))).toBe(0x31c3);
  });

  it('hashes only the tag when there is one, so the prefix and suffix never matter', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }).filter((tag) => !tag.includes('}')), fc.string(), (before, tag, after) => {
        const prefix = before.replaceAll('{', '');
        expect(slotOf(`${prefix}{${tag}}${after}`)).toBe(slotOf(tag));
      }),
    );
  });

  it('is always a valid slot', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (key) => {
        const slot = slotOf(key);
        expect(Number.isInteger(slot) && slot >= 0 && slot < CLUSTER_SLOTS).toBe(true);
      }),
    );
  });
});

describe('hashTag', () => {
  it('is the text slotOf hashes', () => {
    expect(hashTag('sl:{p3}:events')).toBe('p3');
    expect(hashTag('foo{}{bar}')).toBe('foo{}{bar}');
    expect(hashTag('foo{{bar}}zap')).toBe('{bar');
    expect(hashTag('foo{bar}{zap}')).toBe('bar');
    for (const key of ['a{b}c', '{}x', 'x{y', 'plain', '{n7}:changes:org']) expect(slotOf(hashTag(key))).toBe(slotOf(key));
  });
});
