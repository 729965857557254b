import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClaimTakenError, ConflictError, InvalidEventError } from '~/server/errors';
import { appendEvents } from '~/server/events/append';
import { partitionOf } from '~/server/redis/keys';
import { counterIncremented, counterReset } from '../support/event-core';
import { createHarness, readLog, type Harness } from '../support/event-harness';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

const org = () => `org-${randomUUID()}`;
const inc = (by: number, note = '') => counterIncremented.create({ by, note });

describe('G1 an append is atomic', () => {
  it('appends every event of a multi-aggregate command, contiguous and in order', async () => {
    const organizationId = org();
    const result = await appendEvents(h.store, {
      organizationId,
      actorId: 'u1',
      streams: [
        { aggregateId: 'a', expectedVersion: 0, events: [inc(1), inc(2), inc(3)] },
        { aggregateId: 'b', expectedVersion: 0, events: [inc(10)] },
      ],
    });
    expect(result.positions).toHaveLength(4);
    expect(result.versions).toEqual({ a: 3, b: 1 });
    const log = (await readLog(h)).filter((e) => result.eventIds.includes(JSON.stringify(e.envelope).match(/"id":"([^"]+)"/)?.[1] ?? ''));
    expect(log.map((e) => [e.envelope.aggregateId, e.envelope.aggregateVersion])).toEqual([['a', 1], ['a', 2], ['a', 3], ['b', 1]]);
    expect(new Set(log.map((e) => e.partition))).toEqual(new Set([partitionOf(organizationId, h.partitions)]));
  });

  it('writes nothing when any part fails: a stale aggregate, a taken claim, or an invalid event', async () => {
    const organizationId = org();
    await appendEvents(h.store, { organizationId, actorId: 'u1', streams: [{ aggregateId: 'x', expectedVersion: 0, events: [inc(1)] }] });
    await appendEvents(h.store, {
      organizationId, actorId: 'u1', streams: [{ aggregateId: 'owner-1', expectedVersion: 0, events: [inc(1)] }],
      claims: [{ scope: 'email', value: 'ada@example.com', owner: 'owner-1' }],
    });
    const before = (await readLog(h)).length;

    // The second aggregate is stale: the first one's events must not land either.
    await expect(
      appendEvents(h.store, {
        organizationId, actorId: 'u1',
        streams: [
          { aggregateId: 'y', expectedVersion: 0, events: [inc(1), inc(2)] },
          { aggregateId: 'x', expectedVersion: 0, events: [inc(5)] },
        ],
      }),
    ).rejects.toBeInstanceOf(ConflictError);

    await expect(
      appendEvents(h.store, {
        organizationId, actorId: 'u1', streams: [{ aggregateId: 'owner-2', expectedVersion: 0, events: [inc(1)] }],
        claims: [{ scope: 'email', value: 'ada@example.com', owner: 'owner-2' }],
      }),
    ).rejects.toBeInstanceOf(ClaimTakenError);

    await expect(
      appendEvents(h.store, {
        organizationId, actorId: 'u1',
        streams: [{ aggregateId: 'z', expectedVersion: 0, events: [inc(1), { type: 'counter.exploded', data: {} }] }],
      }),
    ).rejects.toBeInstanceOf(InvalidEventError);

    await expect(
      appendEvents(h.store, {
        organizationId, actorId: 'u1',
        streams: [{ aggregateId: 'z', expectedVersion: 0, events: [inc(1), { type: 'counter.incremented', data: { by: 'lots' } }] }],
      }),
    ).rejects.toBeInstanceOf(InvalidEventError);

    expect((await readLog(h)).length).toBe(before);
    // And the aggregates kept their versions: y is still new, x still at 1.
    await expect(
      appendEvents(h.store, { organizationId, actorId: 'u1', streams: [{ aggregateId: 'y', expectedVersion: 0, events: [counterReset.create({})] }, { aggregateId: 'x', expectedVersion: 1, events: [inc(1)] }] }),
    ).resolves.toMatchObject({ versions: { y: 1, x: 2 } });
  });

  it('takes up to 100 events in one command and rejects more before touching Redis', async () => {
    const organizationId = org();
    const result = await appendEvents(h.store, {
      organizationId, actorId: 'u1', streams: [{ aggregateId: 'm', expectedVersion: 0, events: Array.from({ length: 100 }, (_, i) => inc(i)) }],
    });
    expect(result.positions).toHaveLength(100);
    await expect(
      appendEvents(h.store, { organizationId, actorId: 'u1', streams: [{ aggregateId: 'm', expectedVersion: 0, events: Array.from({ length: 101 }, (_, i) => inc(i)) }] }),
    ).rejects.toBeInstanceOf(InvalidEventError); // over the per-append limit: rejected before Redis
  });
});

describe('G2 optimistic concurrency', () => {
  it('N=30 concurrent writers on one aggregate: exactly one wins per version, the rest get CONFLICT', async () => {
    const organizationId = org();
    const aggregateId = 'contended';
    const winners: number[] = [];
    let conflicts = 0;
    for (let version = 0; version < 5; version++) {
      const attempts = await Promise.allSettled(
        Array.from({ length: 30 }, (_, i) =>
          appendEvents(h.store, { organizationId, actorId: `u${i}`, streams: [{ aggregateId, expectedVersion: version, events: [inc(1, `w${i}`)] }] }),
        ),
      );
      const ok = attempts.filter((a) => a.status === 'fulfilled');
      const failed = attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
      expect(ok).toHaveLength(1);
      for (const f of failed) {
        expect(f.reason).toBeInstanceOf(ConflictError);
        expect(f.reason).toMatchObject({ code: 'CONFLICT', expectedVersion: version, actualVersion: version + 1 });
      }
      conflicts += failed.length;
      winners.push(version + 1);
    }
    expect(conflicts).toBe(5 * 29);
    const versions = (await readLog(h)).filter((e) => e.envelope.aggregateId === aggregateId).map((e) => e.envelope.aggregateVersion);
    expect(versions).toEqual([1, 2, 3, 4, 5]); // contiguous, nothing lost, nothing doubled
  });

  it('versions stay contiguous under random concurrent retries (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 12 }), fc.integer({ min: 1, max: 4 }), async (writers, rounds) => {
        const organizationId = org();
        const aggregateId = `p-${randomUUID()}`;
        let acknowledged = 0;
        await Promise.all(
          Array.from({ length: writers }, async () => {
            for (let r = 0; r < rounds; r++) {
              // Each writer retries on conflict with the version it last saw, like a real command.
              for (;;) {
                const seen = Number((await h.redis.get(h.keys.version(partitionOf(organizationId, h.partitions), aggregateId))) ?? 0);
                try {
                  await appendEvents(h.store, { organizationId, actorId: 'u', streams: [{ aggregateId, expectedVersion: seen, events: [inc(1)] }] });
                  acknowledged += 1;
                  break;
                } catch (error) {
                  if (!(error instanceof ConflictError)) throw error;
                }
              }
            }
          }),
        );
        const versions = (await readLog(h)).filter((e) => e.envelope.aggregateId === aggregateId).map((e) => e.envelope.aggregateVersion);
        expect(acknowledged).toBe(writers * rounds);
        expect(versions).toEqual(Array.from({ length: writers * rounds }, (_, i) => i + 1));
      }),
      { numRuns: 15 },
    );
  });
});

describe('G3 idempotent commands', () => {
  it('the same key twice in a row appends once and returns the first result', async () => {
    const organizationId = org();
    const input = { organizationId, actorId: 'u1', idempotencyKey: 'req-1', streams: [{ aggregateId: 'i', expectedVersion: 0, events: [inc(7)] }] };
    const first = await appendEvents(h.store, input);
    const second = await appendEvents(h.store, input);
    expect(first.duplicate).toBe(false);
    expect(second).toEqual({ ...first, duplicate: true });
    expect((await readLog(h)).filter((e) => e.envelope.aggregateId === 'i')).toHaveLength(1);
  });

  it('the same key 20 times concurrently appends once; every caller gets the same positions', async () => {
    const organizationId = org();
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        appendEvents(h.store, { organizationId, actorId: 'u1', idempotencyKey: 'req-c', streams: [{ aggregateId: 'c', expectedVersion: 0, events: [inc(1), inc(2)] }] }),
      ),
    );
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(new Set(results.map((r) => JSON.stringify(r.positions))).size).toBe(1);
    expect((await readLog(h)).filter((e) => e.envelope.aggregateId === 'c')).toHaveLength(2);
  });

  it('keys are per organization: another tenant with the same key is not answered from it', async () => {
    const key = `shared-${randomUUID()}`;
    const a = await appendEvents(h.store, { organizationId: 'org-a', actorId: 'u', idempotencyKey: key, streams: [{ aggregateId: `k-${key}`, expectedVersion: 0, events: [inc(1)] }] });
    const b = await appendEvents(h.store, { organizationId: 'org-b', actorId: 'u', idempotencyKey: key, streams: [{ aggregateId: `k2-${key}`, expectedVersion: 0, events: [inc(1)] }] });
    expect(b.duplicate).toBe(false);
    expect(b.eventIds).not.toEqual(a.eventIds);
  });
});
