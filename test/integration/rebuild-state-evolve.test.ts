/**
 * Rebuilding write-side state applies today's code: a changed `evolve`
 * reaches stored state, and old event versions decode through their
 * upcasters. (Its own file: the archive it folds must hold only its events.)
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { appendEvents } from '~/server/events/append';
import { defineDecider, type DecidedEvent } from '~/server/events/decider';
import { rebuildWriteState } from '~/server/events/rebuild-state';
import { partitionOf } from '~/server/redis/keys';
import { counterIncremented, counterReset, testCatalogue } from '../support/event-core';
import { createHarness } from '../support/event-harness';

describe('rebuild-state with changed code', () => {
  it('applies a changed evolve (a new field) to stored state, and decodes old event versions through their upcasters', async () => {
    const h = await createHarness();
    try {
      const organizationId = randomUUID();
      const partition = partitionOf(organizationId, h.partitions);
      const events = [counterIncremented, counterReset] as const;
      type Counter = { total: number; notes?: string[] };
      const counter = (withNotes: boolean) =>
        defineDecider({
          name: 'counter',
          events,
          state: z.object({ total: z.number(), notes: z.array(z.string()).optional() }),
          initialState: { total: 0 },
          evolve: (state: Counter, event: DecidedEvent<typeof events>): Counter => {
            if (event.type === 'counter.reset') return { ...state, total: 0 };
            return withNotes ? { total: state.total + event.data.by, notes: [...(state.notes ?? []), event.data.note] } : { total: state.total + event.data.by };
          },
          decide: () => [],
        });
      await appendEvents(h.store, { organizationId, actorId: 'u', streams: [{ aggregateId: 'c1', expectedVersion: 0, events: [counterIncremented.create({ by: 2, note: 'two' })] }] });
      // An entry written at schema version 1 (no note), as an older release appended it.
      const v1 = { id: randomUUID(), type: 'counter.incremented', v: 1, aggregateId: 'c1', aggregateVersion: 2, organizationId, actorId: 'u', correlationId: 'c', causationId: null, occurredAt: new Date().toISOString(), data: { by: 5 } };
      await h.redis.xAdd(h.keys.stream(partition), '*', { e: JSON.stringify(v1) });
      await h.redis.set(h.keys.version(partition, 'c1'), '2');

      const rebuild = (withNotes: boolean) => rebuildWriteState({ db: h.db, redis: h.redis, keys: h.keys, partitions: h.partitions, catalogue: testCatalogue, deciders: [counter(withNotes)] });
      await expect(rebuild(false)).resolves.toMatchObject({ written: 1, failed: [] });
      const stored = async () => JSON.parse((await h.redis.get(h.keys.state(partition, 'c1'))) ?? 'null');
      expect(await stored()).toEqual({ type: 'counter', organizationId, value: { total: 7 } });

      await expect(rebuild(true)).resolves.toMatchObject({ written: 1, failed: [] });
      expect(await stored()).toEqual({ type: 'counter', organizationId, value: { total: 7, notes: ['two', ''] } }); // v1's upcaster gave it an empty note
      expect(await h.redis.get(h.keys.version(partition, 'c1'))).toBe('2');
    } finally {
      await h.close();
    }
  });
});
