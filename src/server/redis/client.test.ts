import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redactUrl, redisSocketOptions } from './client';
import { createKeys } from './keys';

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
    expect(keys.workerHeartbeat('w1')).toBe('acme:worker:w1');
    expect(keys.workerHeartbeatPattern()).toBe('acme:worker:*');
  });
});
