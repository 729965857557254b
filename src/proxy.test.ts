import { describe, expect, it } from 'vitest';
import { sameOriginOrNone } from './proxy';

const headers = (h: Record<string, string>) => new Headers(h);

describe('sameOriginOrNone', () => {
  it('allows a post from the app’s own origin, or with no Origin at all', () => {
    expect(sameOriginOrNone(headers({ host: 'app.example.com', origin: 'https://app.example.com' }))).toBe(true);
    expect(sameOriginOrNone(headers({ host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000' }))).toBe(true);
    expect(sameOriginOrNone(headers({ host: 'app.example.com' }))).toBe(true);
  });

  it('refuses another host, another port, a look-alike, Origin: null, and a missing Host', () => {
    expect(sameOriginOrNone(headers({ host: 'app.example.com', origin: 'https://evil.example' }))).toBe(false);
    expect(sameOriginOrNone(headers({ host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3001' }))).toBe(false);
    expect(sameOriginOrNone(headers({ host: 'app.example.com', origin: 'https://app.example.com.evil.example' }))).toBe(false);
    expect(sameOriginOrNone(headers({ host: 'app.example.com', origin: 'null' }))).toBe(false);
    expect(sameOriginOrNone(headers({ origin: 'https://app.example.com' }))).toBe(false);
  });

  it('compares with the first X-Forwarded-Host when a proxy sets one, as Next.js does', () => {
    expect(sameOriginOrNone(headers({ host: 'internal:3000', 'x-forwarded-host': 'app.example.com', origin: 'https://app.example.com' }))).toBe(true);
    expect(sameOriginOrNone(headers({ host: 'internal:3000', 'x-forwarded-host': 'app.example.com, cdn.example', origin: 'https://app.example.com' }))).toBe(true);
    expect(sameOriginOrNone(headers({ host: 'app.example.com', 'x-forwarded-host': 'other.example', origin: 'https://app.example.com' }))).toBe(false);
  });
});
