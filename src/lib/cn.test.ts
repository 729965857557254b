import { describe, expect, it } from 'vitest';
import { cn } from './cn';

describe('cn', () => {
  it('given two paddings, when joined, then the later one wins', () => {
    expect(cn('p-4', 'p-2')).toBe('p-2');
  });

  it('given a default and an override of the same colour, then only the override stays; other utilities are kept', () => {
    expect(cn('rounded-md bg-primary px-4', 'bg-destructive')).toBe('rounded-md px-4 bg-destructive');
  });

  it('given falsy values and a condition object, then only the true parts are joined', () => {
    expect(cn('flex', false, null, undefined, { hidden: false, 'gap-2': true })).toBe('flex gap-2');
  });
});
