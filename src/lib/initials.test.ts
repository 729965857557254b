import { describe, expect, it } from 'vitest';
import { initials } from './initials';

describe('initials', () => {
  it('given a name of several words, then the first letters of the first and last', () => {
    expect(initials({ name: 'Ada King Lovelace', email: 'ada@example.com' })).toBe('AL');
  });

  it('given one word, then its first letter', () => {
    expect(initials({ name: ' grace ', email: 'g@example.com' })).toBe('G');
  });

  it('given no name, then the first letter of the email', () => {
    expect(initials({ name: null, email: 'bob@example.com' })).toBe('B');
    expect(initials({ email: 'émile@example.com' })).toBe('É');
  });

  it('given a name starting with a letter outside the BMP, then the whole letter', () => {
    expect(initials({ name: '𝒜lice', email: 'a@example.com' })).toBe('𝒜');
  });
});
