import { describe, expect, it } from 'vitest';
import { idempotencyKeys } from './idempotency-keys';

function keys() {
  let n = 0;
  return idempotencyKeys(() => `key-${++n}`);
}

describe('idempotency keys of a creating form', () => {
  it('given a first submission, when the same input is sent again (a retry), then it carries the same key', () => {
    const form = keys();
    expect(form.keyFor({ name: 'Launch' })).toBe('key-1');
    expect(form.keyFor({ name: 'Launch' })).toBe('key-1');
  });

  it('given a failed submission, when the input is changed, then it is a new request with a new key', () => {
    const form = keys();
    expect(form.keyFor({ email: 'ada@example.com', role: 'member' })).toBe('key-1');
    expect(form.keyFor({ email: 'ada@example.com', role: 'admin' })).toBe('key-2');
  });

  it('given a success, when the same input is sent again, then it is a new request with a new key', () => {
    const form = keys();
    expect(form.keyFor({ title: 'Ship it' })).toBe('key-1');
    form.renew();
    expect(form.keyFor({ title: 'Ship it' })).toBe('key-2');
  });

  it('draws random UUIDs by default', () => {
    const form = idempotencyKeys();
    const key = form.keyFor('x');
    expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    form.renew();
    expect(form.keyFor('x')).not.toBe(key);
  });
});
