import { describe, expect, it } from 'vitest';
import { ROLES } from '~/server/modules/organizations/events';
import { STATUSES } from '~/server/modules/tasks/events';
import { ROLE_LABELS, ROLE_ORDER, STATUS_LABELS, STATUS_ORDER } from './labels';

describe('labels', () => {
  it('orders every status and every role exactly once', () => {
    expect([...STATUS_ORDER].sort()).toEqual([...STATUSES].sort());
    expect([...STATUS_ORDER].sort()).toEqual(Object.keys(STATUS_LABELS).sort());
    expect([...ROLE_ORDER].sort()).toEqual([...ROLES].sort());
    expect([...ROLE_ORDER].sort()).toEqual(Object.keys(ROLE_LABELS).sort());
  });

  it('gives every status and role a distinct label', () => {
    expect(new Set(Object.values(STATUS_LABELS)).size).toBe(STATUSES.length);
    expect(new Set(Object.values(ROLE_LABELS)).size).toBe(ROLES.length);
  });
});
