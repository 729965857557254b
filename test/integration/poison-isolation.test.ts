/**
 * G7 across tenants: one organization's poison events must not slow another
 * organization that shares its partition. Two organizations hash to the same
 * partition; a real worker loop runs one projector; organization A appends
 * alongside organization B, first with a healthy handler, then with a handler
 * that throws for every A event. What could slow B is counted, not timed
 * (timing is for `npm run bench`): a batch transaction that fails (the
 * partition then waits out a backoff before reading on), or extra batches
 * between B's append and its projection. A's failed attempts all run inside
 * the batch that meets them, so neither ever happens.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { projectorCheckpoints } from '~/server/db/event-core-schema';
import { appendEvents } from '~/server/events/append';
import { compareStreamIds, type Position } from '~/server/events/envelope';
import { listDeadLetters, retryDeadLetters } from '~/server/projectors/dead-letters';
import { runWorker } from '~/server/projectors/worker';
import { createBlockingReads, type BlockingReads } from '~/server/redis/blocking-reads';
import { createBlockingRedis, type Redis } from '~/server/redis/client';
import { partitionOf } from '~/server/redis/keys';
import { counterIncremented, countersProjector, createCountersTable, testCatalogue } from '../support/event-core';
import { createHarness, type Harness } from '../support/event-harness';

const PARTITIONS = 4;
/** Rounds per block; blocks alternate clean and poisoned in the order below. */
const BLOCK = 10;
const WARM_UP: ReadonlyArray<boolean> = [false, true];
const MEASURED: ReadonlyArray<boolean> = [false, true, true, false, false, true, true, false];
/** Longest wait for one event to be projected before the test gives up (it must stay below MAX_BLOCK_MS). */
const PROJECTED_WITHIN_MS = 15_000;

const noticesReply = z
  .array(z.object({ name: z.string(), messages: z.array(z.object({ id: z.string(), message: z.record(z.string(), z.string()) })) }))
  .nullable();

let h: Harness;
/** The worker's wake-up connection, and the test's own for waiting on change notices. */
let workerWait: BlockingReads;
let noticeReader: Redis;
beforeEach(async () => {
  h = await createHarness({ partitions: PARTITIONS });
  const logger = pino({ level: 'silent' });
  workerWait = createBlockingReads({ command: h.redis, open: () => createBlockingRedis({ url: inject('redisUrl'), logger, name: 'poison-worker-wait' }) });
  noticeReader = createBlockingRedis({ url: inject('redisUrl'), logger, name: 'poison-notices' });
  await noticeReader.connect();
});
afterEach(async () => {
  workerWait.close();
  noticeReader.destroy();
  await h.close();
});

const inc = (by: number, note: string) => counterIncremented.create({ by, note });
type Row = { aggregate_id: string; total: string; version: number; applied: number };

function organizationsSharingAPartition(): { a: string; b: string; partition: number } {
  const a = randomUUID();
  const partition = partitionOf(a, PARTITIONS);
  for (let tries = 0; tries < 1_000; tries++) {
    const b = randomUUID();
    if (partitionOf(b, PARTITIONS) === partition) return { a, b, partition };
  }
  throw new Error('no organization id hashed to the same partition in 1,000 tries');
}

/**
 * At most two batches commit between B's append and its projection, poison or
 * not: the one holding A's entries (A appends first, and the worker may read
 * them before B's entry exists), then the one holding B's.
 */
const MAX_BATCHES_TO_B = 2;

describe('G7 one tenant’s poison never slows another', () => {
  it('on a partition shared with a poisoned A, no batch fails and B’s events wait for no extra batch; after the fix A’s dead letters complete its read model in order', { timeout: 120_000 }, async () => {
    const { a: orgA, b: orgB, partition } = organizationsSharingAPartition();
    const table = `poison_${randomUUID().slice(0, 8)}`;
    await createCountersTable(h.db, table);
    let poisoned = false;
    let poisonedCalls = 0;
    const projector = countersProjector(table, {
      failWhen: (note) => {
        if (note !== 'A' || !poisoned) return false;
        poisonedCalls += 1;
        return true;
      },
    });

    const workerId = `poison-${randomUUID().slice(0, 6)}`;
    /** Batches committed on the shared partition, and batch transactions that failed there. */
    const batches = { committed: 0, failed: 0 };
    const runtime = h.runtime([projector], {
      workerId,
      observer: {
        batch: (b) => {
          if (b.partition === partition && b.events > 0) batches.committed += 1;
        },
        batchFailed: (b) => {
          if (b.partition === partition) batches.failed += 1;
        },
      },
    });
    const stop = new AbortController();
    const worker = runWorker({
      runtime,
      redis: h.redis,
      blocking: workerWait,
      keys: h.keys,
      partitions: PARTITIONS,
      workerId,
      projectorNames: [projector.name],
      logger: pino({ level: 'silent' }),
      signal: stop.signal,
      blockMs: 500,
    });

    /**
     * Resolves once the projector has committed past `position` and announced it: the change notice for
     * `organizationId` is the wake-up (a blocking read, no polling); the checkpoint is then checked.
     */
    let noticeCursor = '0-0';
    const projected = async (organizationId: string, position: Position | undefined) => {
      if (position?.partition !== partition) throw new Error(`expected an append to partition ${partition}`);
      const deadline = Date.now() + PROJECTED_WITHIN_MS;
      for (let seen = false; !seen; ) {
        const wait = deadline - Date.now();
        if (wait <= 0) throw new Error(`${position.id} not projected within ${PROJECTED_WITHIN_MS} ms`);
        const reply = noticesReply.parse(await noticeReader.xRead({ key: h.keys.changes(organizationId), id: noticeCursor }, { BLOCK: wait, COUNT: 100 }));
        for (const notice of reply?.[0]?.messages ?? []) {
          noticeCursor = notice.id;
          if (compareStreamIds(notice.message.position ?? '0-0', position.id) >= 0) seen = true;
        }
      }
      const [checkpoint] = await h.db
        .select({ lastId: projectorCheckpoints.lastId })
        .from(projectorCheckpoints)
        .where(and(eq(projectorCheckpoints.projector, projector.name), eq(projectorCheckpoints.partition, partition)));
      expect(compareStreamIds(checkpoint?.lastId ?? '0-0', position.id)).toBeGreaterThanOrEqual(0);
    };

    const bVersions = new Map<string, number>();
    const bTotals = new Map<string, number>();
    const aAggregates: Array<{ aggregateId: string; poisoned: boolean }> = [];

    /**
     * Each round, A appends a fresh aggregate (so every A event reaches the handler rather than being parked
     * behind an earlier one), then B appends one event right behind it in the same stream: B's batch is the one
     * that meets A's poison. Returns, per round, the batches committed between B's append and its projection.
     */
    const phase = async (rounds: number): Promise<number[]> => {
      const batchesToB: number[] = [];
      for (let i = 0; i < rounds; i++) {
        const aAggregate = `${orgA}/a-${aAggregates.length}`;
        aAggregates.push({ aggregateId: aAggregate, poisoned });
        await appendEvents(h.store, { organizationId: orgA, actorId: 'a', streams: [{ aggregateId: aAggregate, expectedVersion: 0, events: [inc(1, 'A'), inc(2, 'A')] }] });

        const aggregateId = `${orgB}/b-${i % 3}`;
        const expectedVersion = bVersions.get(aggregateId) ?? 0;
        const by = (i % 7) + 1;
        // A's entries may already be in a batch under way: counted too, which the bound allows for.
        const before = batches.committed;
        const appended = await appendEvents(h.store, { organizationId: orgB, actorId: 'b', streams: [{ aggregateId, expectedVersion, events: [inc(by, 'B')] }] });
        await projected(orgB, appended.positions.at(-1));
        batchesToB.push(batches.committed - before);
        bVersions.set(aggregateId, expectedVersion + 1);
        bTotals.set(aggregateId, (bTotals.get(aggregateId) ?? 0) + by);
      }
      return batchesToB;
    };

    try {
      for (const block of WARM_UP) {
        poisoned = block;
        await phase(BLOCK);
      }
      const clean: number[] = [];
      const poisonedRun: number[] = [];
      for (const block of MEASURED) {
        poisoned = block;
        (block ? poisonedRun : clean).push(...(await phase(BLOCK)));
      }


      // The poison really was there and really was hit: every A event of the run failed its handler.
      const poisonedAggregates = aAggregates.filter((x) => x.poisoned).map((x) => x.aggregateId);
      expect(poisonedAggregates.length).toBeGreaterThan(0);
      expect(poisonedCalls).toBe(3 * poisonedAggregates.length); // default maxAttempts, on each aggregate's first event only
      const parked = await listDeadLetters(h.db, projector.name);
      expect(parked.filter((d) => d.status === 'failed').map((d) => d.aggregateId).sort()).toEqual([...poisonedAggregates].sort());
      expect(parked.filter((d) => d.status === 'blocked')).toHaveLength(poisonedAggregates.length);

      // Nothing of A's poison reached B: no batch failed (so the partition never backed off), and no B event
      // waited for more batches than the bound, the same as in the clean blocks.
      expect(batches.failed).toBe(0);
      expect(Math.max(...poisonedRun)).toBeLessThanOrEqual(MAX_BATCHES_TO_B);
      expect(Math.max(...clean)).toBeLessThanOrEqual(MAX_BATCHES_TO_B);
      expect(Math.min(...poisonedRun, ...clean)).toBeGreaterThanOrEqual(1);

      // B's read model is complete: each aggregate equals the fold of its events.
      const rows = async () => [...(await h.db.execute<Row>(sql`select aggregate_id, total, version, applied from ${sql.identifier(table)} order by aggregate_id`))];
      const bRows = (await rows()).filter((r) => r.aggregate_id.startsWith(orgB));
      expect(bRows).toEqual(
        [...bVersions.keys()].sort().map((id) => ({ aggregate_id: id, total: String(bTotals.get(id)), version: bVersions.get(id), applied: bVersions.get(id) })),
      );

      // The fix ships; the operator retries A's dead letters, aggregate by aggregate.
      poisoned = false;
      for (const aggregateId of poisonedAggregates) {
        await expect(retryDeadLetters({ db: h.db, catalogue: testCatalogue, projector }, aggregateId)).resolves.toEqual({ applied: 2 });
      }
      expect(await listDeadLetters(h.db, projector.name)).toEqual([]);
      // The strict projector applies an event only right after its predecessor, so version 2 means both, in order.
      const aRows = (await rows()).filter((r) => r.aggregate_id.startsWith(orgA));
      expect(aRows).toEqual(
        aAggregates.map((x) => x.aggregateId).sort().map((id) => ({ aggregate_id: id, total: '3', version: 2, applied: 2 })),
      );
    } finally {
      stop.abort();
      await worker;
    }
  });
});
