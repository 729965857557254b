import { describe, expect, it } from 'vitest';
import { createKeys } from '~/server/redis/keys';
import { assertPartitionLayout, frozenValue, LayoutMismatchError, layoutValue, PartitionFrozenError } from './layout';

describe('assertPartitionLayout', () => {
  it('passes the layout a process appends under, and a partition not recorded yet (the append records it)', () => {
    expect(assertPartitionLayout(layoutValue(4), 4)).toBe(true);
    expect(assertPartitionLayout(null, 4)).toBe(false);
    expect(assertPartitionLayout(undefined, 7)).toBe(false);
  });

  it('refuses another count, naming both and the count to redeploy with', () => {
    expect(() => assertPartitionLayout('7', 4)).toThrow(LayoutMismatchError);
    expect(() => assertPartitionLayout('7', 4)).toThrow('This process runs with EVENT_PARTITIONS=4, but the event log is laid out in 7 partitions. Redeploy it with EVENT_PARTITIONS=7; nothing was written.');
  });

  it('refuses a frozen partition with a retryable error, whatever the process’s count', () => {
    for (const mine of [4, 7, 9]) {
      expect(() => assertPartitionLayout(frozenValue(4, 7), mine)).toThrow(PartitionFrozenError);
    }
    let caught: unknown;
    try {
      assertPartitionLayout(frozenValue(4, 7), 4);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'UNAVAILABLE', from: 4, to: 7 });
  });
});

describe('layout keys', () => {
  it('live in their partition’s slot, beside the keys the append script writes', () => {
    const keys = createKeys('sl');
    const tag = (key: string) => /\{([^}]*)\}/.exec(key)?.[1];
    expect(new Set([keys.stream(5), keys.layout(5), keys.idempotencyIndex(5), keys.idempotency(5, 'o', 'k')].map(tag))).toEqual(new Set(['p5']));
    expect(tag(keys.layoutRecord())).toBeUndefined();
  });
});
