import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redactUrl, redisSocketOptions } from './client';
import { createKeys, fnv1a32, partitionOf } from './keys';

describe('redisSocketOptions', () => {
  it('uses TLS for rediss:// and plain TCP for redis://', () => {
    expect(redisSocketOptions('rediss://default:pw@eu1.example.io:6379')).toMatchObject({ tls: true });
    expect(redisSocketOptions('redis://127.0.0.1:6379')).not.toHaveProperty('tls');
  });

  it('passes a private CA through only for TLS', () => {
    expect(redisSocketOptions('rediss://h:1', 'PEM')).toMatchObject({ tls: true, ca: 'PEM' });
    expect(redisSocketOptions('redis://h:1', 'PEM')).not.toHaveProperty('ca');
  });

  it('backs off between reconnects, never waiting more than 2 s and never giving up', () => {
    const { reconnectStrategy } = redisSocketOptions('redis://h:1');
    fc.assert(
      fc.property(fc.nat(1_000_000), (retries) => {
        const delay = reconnectStrategy(retries);
        expect(delay).toBeGreaterThan(0);
        expect(delay).toBeLessThanOrEqual(2_000);
        expect(reconnectStrategy(retries + 1)).toBeGreaterThanOrEqual(delay);
      }),
    );
  });
});

describe('redactUrl', () => {
  it('never prints a password', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9]{6,20}$/), (password) => {
        const redacted = redactUrl(`rediss://default:${password}@redis.example.com:6379`);
        expect(redacted).not.toContain(password);
        expect(redacted).toBe('rediss://default:***@redis.example.com:6379');
      }),
    );
  });

  it('says so instead of echoing an unparseable URL', () => {
    expect(redactUrl('not a url with secret')).toBe('<invalid url>');
  });
});

describe('createKeys', () => {
  it('puts every key under the prefix', () => {
    const keys = createKeys('acme');
    expect(keys.workers()).toBe('acme:workers');
    expect(keys.stream(3)).toBe('acme:{p3}:events');
  });
});

describe('partitionOf', () => {
  it('always maps an organization to the same partition, within range', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 64 }), fc.integer({ min: 1, max: 256 }), (org, partitions) => {
        const p = partitionOf(org, partitions);
        expect(Number.isInteger(p)).toBe(true);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThan(partitions);
        expect(partitionOf(org, partitions)).toBe(p);
      }),
    );
  });

  it('spreads organizations evenly enough across partitions', () => {
    const counts = Array.from({ length: 8 }, () => 0);
    for (let i = 0; i < 8_000; i++) {
      const p = partitionOf(`org-${i}`, 8);
      counts[p] = (counts[p] ?? 0) + 1;
    }
    for (const count of counts) expect(count).toBeGreaterThan(800); // ideal is 1000
  });

  it('keys of one partition share one hash tag', () => {
    const keys = createKeys('sl');
    const tag = (key: string) => /\{([^}]*)\}/.exec(key)?.[1];
    expect(new Set([keys.stream(3), keys.version(3, 'a'), keys.idempotency(3, 'o', 'k'), keys.claim(3, 's', 'v'), keys.lease(3)].map(tag))).toEqual(new Set(['p3']));
  });
});

/** The hash as first written: FNV-1a over the bytes TextEncoder gives. Partitions of stored events depend on it. */
function reference(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

describe('fnv1a32', () => {
  it('hashes the UTF-8 bytes TextEncoder gives, lone surrogates included', () => {
    // Any code points (astral ones become surrogate pairs, 0xd800–0xdfff lone surrogates) and any code units (pairs out of order).
    const codePoints = fc.array(fc.integer({ min: 0, max: 0x10ffff }), { maxLength: 40 }).map((points) => String.fromCodePoint(...points));
    const codeUnits = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 }).map((units) => String.fromCharCode(...units));
    fc.assert(
      fc.property(fc.oneof(fc.string(), codePoints, codeUnits), (text) => {
        expect(fnv1a32(text)).toBe(reference(text));
      }),
    );
  });

  it('keeps the partitions of existing organizations', () => {
    // Fixed values: a change here would move organizations to other streams.
    expect(['', 'org-1', 'acme', 'Ünïcödé', '日本語', '😀 emoji', '\ud800 lone'].map(fnv1a32)).toEqual([
      2166136261, 1992753751, 1174237615, 50751474, 2153733351, 3731391814, 2866965118,
    ]);
    expect(partitionOf('org-1', 16)).toBe(1992753751 % 16);
  });
});
