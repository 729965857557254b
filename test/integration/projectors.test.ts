import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { pgTable, text } from 'drizzle-orm/pg-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deadLetters, eventLog, projectorCheckpoints } from '~/server/db/event-core-schema';
import { appendEvents } from '~/server/events/append';
import { archiveProjector } from '~/server/projectors/archive';
import { listDeadLetters, retryDeadLetters, skipDeadLetter } from '~/server/projectors/dead-letters';
import { defineRawProjector, defineReactor, type RawEvent, type Tx } from '~/server/projectors/define-projector';
import { replayArchive } from '~/server/projectors/replay';
import { projectorsStatus } from '~/server/projectors/status';
import { trimStreams } from '~/server/projectors/trim';
import { counterIncremented, counterReset, countersProjector, createCountersTable, testCatalogue } from '../support/event-core';
import { createHarness, readLog, type Harness } from '../support/event-harness';
import { eventually } from '../support/log-capture';

// Each test gets its own streams (a fresh key prefix), so projectors only see that test's events.
let h: Harness;
beforeEach(async () => {
  h = await createHarness({ partitions: 3 });
});
afterEach(() => h.close());

const inc = (by: number, note = '') => counterIncremented.create({ by, note });
const unique = (p: string) => `${p}_${randomUUID().slice(0, 8)}`;

async function rows(table: string) {
  return h.db.execute<{ aggregate_id: string; total: string; version: number; applied: number }>(
    sql`select aggregate_id, total, version, applied from ${sql.identifier(table)} order by aggregate_id`,
  );
}

async function appendMany(organizationIds: string[], perAggregate: number, aggregates: number) {
  const versions = new Map<string, number>();
  for (let i = 0; i < perAggregate; i++) {
    for (const organizationId of organizationIds) {
      for (let a = 0; a < aggregates; a++) {
        const aggregateId = `${organizationId}/agg-${a}`;
        const expectedVersion = versions.get(aggregateId) ?? 0;
        await appendEvents(h.store, { organizationId, actorId: 'u', streams: [{ aggregateId, expectedVersion, events: [inc(i + 1, `n${i}`)] }] });
        versions.set(aggregateId, expectedVersion + 1);
      }
    }
  }
  return versions;
}

describe('projector runtime', () => {
  it('applies every event once, in order, and commits the checkpoint with the writes', async () => {
    const table = unique('counters');
    await createCountersTable(h.db, table);
    const projector = countersProjector(table);
    const orgs = [randomUUID(), randomUUID(), randomUUID()];
    await appendMany(orgs, 5, 2);
    const runtime = h.runtime([projector]);
    const result = await runtime.drain({ maxMs: 10_000, maxEvents: 10_000 });
    expect(result.events).toBeGreaterThanOrEqual(30);
    const got = await rows(table);
    expect(got).toHaveLength(6);
    for (const row of got) expect(row).toMatchObject({ total: String(1 + 2 + 3 + 4 + 5), version: 5, applied: 5 });
    // Nothing left: a second drain applies nothing and the projector does not throw on repeats.
    await expect(runtime.drain({ maxMs: 2_000, maxEvents: 10_000 })).resolves.toMatchObject({ events: 0 });
    await runtime.releaseAll();
  });

  it('acknowledges entries at or below the checkpoint without applying them again', async () => {
    const table = unique('counters');
    await createCountersTable(h.db, table);
    const projector = countersProjector(table);
    await appendMany([randomUUID()], 3, 1);
    const first = h.runtime([projector], { faults: (point) => { if (point === 'after-commit') throw new Error('crash after commit, before XACK'); } });
    await expect(first.drain({ maxMs: 5_000, maxEvents: 1_000 })).rejects.toThrow('crash after commit');
    await first.releaseAll();
    // The entries are committed but still pending; a new worker claims them and must skip them.
    const second = h.runtime([projector]);
    await second.drain({ maxMs: 5_000, maxEvents: 1_000 });
    const got = await rows(table);
    expect(got.map((r) => r.applied)).toEqual([3]);
    for (let p = 0; p < h.partitions; p++) {
      const pending = await h.redis.xPending(h.keys.stream(p), projector.name).catch(() => null);
      expect(pending?.pending ?? 0).toBe(0);
    }
    await second.releaseAll();
  });

  it('a reactor performs its effect once per event, even when the entry is delivered again', async () => {
    const table = unique('mails');
    await h.db.execute(sql.raw(`create table "${table}" (event_id text not null, note text not null)`));
    const reactor = defineReactor({
      name: unique('mailer').replaceAll('_', '-'),
      events: [counterIncremented],
      handlers: {
        'counter.incremented': async (event, tx) => {
          await tx.execute(sql`insert into ${sql.identifier(table)} values (${event.id}, ${event.data.note})`);
        },
      },
    });
    const organizationId = randomUUID();
    await appendEvents(h.store, { organizationId, actorId: 'u', streams: [{ aggregateId: 'r', expectedVersion: 0, events: [inc(1, 'hello'), counterReset.create({})] }] });
    const runtime = h.runtime([reactor]);
    await runtime.drain({ maxMs: 5_000, maxEvents: 100 });
    // Replay the same entries through a fresh group position: the effect table must not grow.
    for (let p = 0; p < h.partitions; p++) {
      await h.redis.xGroupSetId(h.keys.stream(p), reactor.name, '0').catch(() => undefined);
    }
    await h.db.update(projectorCheckpoints).set({ lastId: '0-0' }).where(sql`${projectorCheckpoints.projector} = ${reactor.name}`);
    await runtime.drain({ maxMs: 5_000, maxEvents: 100 });
    const mails = await h.db.execute<{ note: string }>(sql`select note from ${sql.identifier(table)}`);
    expect(mails.map((m) => m.note)).toEqual(['hello']);
    await runtime.releaseAll();
  });

  it('sends a change notice per organization after each committed batch', async () => {
    const table = unique('counters');
    await createCountersTable(h.db, table);
    const organizationId = randomUUID();
    const appended = await appendEvents(h.store, { organizationId, actorId: 'u', streams: [{ aggregateId: 'n1', expectedVersion: 0, events: [inc(1)] }, { aggregateId: 'n2', expectedVersion: 0, events: [inc(2)] }] });
    const runtime = h.runtime([countersProjector(table)]);
    await runtime.drain({ maxMs: 5_000, maxEvents: 100 });
    const notices = (await h.redis.xRange(h.keys.changes(organizationId), '-', '+')) ?? [];
    expect(notices).toHaveLength(1);
    expect(notices[0]?.message).toMatchObject({ position: appended.positions.at(-1)?.id, partition: String(appended.partition) });
    expect(JSON.parse(notices[0]?.message.aggregates ?? '[]')).toEqual(['n1', 'n2']);
    await runtime.releaseAll();
  });
});

describe('G6 crash recovery', () => {
  it('entries delivered to a consumer that died are claimed by a live one once its lease expires', async () => {
    const table = unique('counters');
    await createCountersTable(h.db, table);
    const projector = countersProjector(table);
    const organizationId = randomUUID();
    await appendMany([organizationId], 4, 1);
    // The first worker reads a batch and "dies" before committing: its entries stay pending, its lease is left to expire.
    const doomed = h.runtime([projector], { leaseMs: 1_500, faults: (point) => { if (point === 'before-commit') throw new Error('process died'); } });
    await expect(doomed.drain({ maxMs: 5_000, maxEvents: 100 })).rejects.toThrow('process died');
    let pendingBefore = 0;
    for (let p = 0; p < h.partitions; p++) pendingBefore += (await h.redis.xPending(h.keys.stream(p), projector.name).catch(() => null))?.pending ?? 0;
    expect(pendingBefore).toBe(4);

    const survivor = h.runtime([projector], { leaseMs: 1_500 });
    // While the dead worker's lease lives, the survivor cannot take the partition.
    await expect(survivor.drain({ maxMs: 500, maxEvents: 100 })).resolves.toMatchObject({ events: 0 });
    await eventually(async () => (await survivor.drain({ maxMs: 2_000, maxEvents: 100 })).events > 0, 10_000, 'takeover');
    expect((await rows(table)).map((r) => [r.version, r.applied])).toEqual([[4, 4]]);
    await survivor.releaseAll();
  });
});

describe('G7 a poison event does not block other aggregates', () => {
  it('parks the failing event and its aggregate’s later events; others flow; retry after the fix applies them in order', async () => {
    const table = unique('counters');
    await createCountersTable(h.db, table);
    let broken = true;
    let poisonCalls = 0;
    const projector = countersProjector(table, {
      failWhen: (note) => {
        if (note === 'poison' && broken) poisonCalls += 1;
        return broken && note === 'poison';
      },
    });
    const organizationId = randomUUID();
    await appendEvents(h.store, { organizationId, actorId: 'u', streams: [{ aggregateId: 'sick', expectedVersion: 0, events: [inc(1), inc(2, 'poison'), inc(3)] }] });
    await appendEvents(h.store, { organizationId, actorId: 'u', streams: [{ aggregateId: 'healthy', expectedVersion: 0, events: [inc(5), inc(6)] }] });
    await appendEvents(h.store, { organizationId, actorId: 'u', streams: [{ aggregateId: 'sick', expectedVersion: 3, events: [inc(4)] }] });

    const runtime = h.runtime([projector], { maxAttempts: 3 });
    // The poison event is retried in place and parked within the batch: one drain settles everything.
    await runtime.drain({ maxMs: 10_000, maxEvents: 100 });
    expect(poisonCalls).toBe(3);

    const parked = await listDeadLetters(h.db, projector.name);
    expect(parked.map((d) => [d.aggregateId, d.status, d.attempts])).toEqual([
      ['sick', 'failed', 3],
      ['sick', 'blocked', 0],
      ['sick', 'blocked', 0],
    ]);
    expect(parked[0]?.error).toContain('refusing poison');
    expect(await rows(table)).toEqual([
      { aggregate_id: 'healthy', total: '11', version: 2, applied: 2 },
      { aggregate_id: 'sick', total: '1', version: 1, applied: 1 },
    ]);

    // Retrying before the fix changes nothing.
    await expect(retryDeadLetters({ db: h.db, catalogue: testCatalogue, projector }, 'sick')).rejects.toThrow(/refusing poison/);
    expect(await listDeadLetters(h.db, projector.name)).toHaveLength(3);

    broken = false;
    await expect(retryDeadLetters({ db: h.db, catalogue: testCatalogue, projector }, 'sick')).resolves.toEqual({ applied: 3 });
    expect(await listDeadLetters(h.db, projector.name)).toHaveLength(0);
    expect((await rows(table)).find((r) => r.aggregate_id === 'sick')).toEqual({ aggregate_id: 'sick', total: '10', version: 4, applied: 4 });

    // New events of the aggregate flow normally again.
    await appendEvents(h.store, { organizationId, actorId: 'u', streams: [{ aggregateId: 'sick', expectedVersion: 4, events: [inc(100)] }] });
    await runtime.drain({ maxMs: 2_000, maxEvents: 100 });
    expect((await rows(table)).find((r) => r.aggregate_id === 'sick')).toMatchObject({ total: '110', version: 5 });
    await runtime.releaseAll();
  });

  it('skip drops the poison event for good and applies the rest; undecodable entries are parked too', async () => {
    const table = unique('counters');
    await createCountersTable(h.db, table);
    const projector = countersProjector(table, { failWhen: (note) => note === 'always-bad' });
    const organizationId = randomUUID();
    await appendEvents(h.store, { organizationId, actorId: 'u', streams: [{ aggregateId: 's', expectedVersion: 0, events: [inc(1), inc(2, 'always-bad')] }] });
    // An entry no catalogue can read, written around appendEvents.
    const { partition } = await appendEvents(h.store, { organizationId, actorId: 'u', streams: [{ aggregateId: 'other', expectedVersion: 0, events: [inc(1)] }] });
    await h.redis.xAdd(h.keys.stream(partition), '*', { e: JSON.stringify({ nonsense: true }) });

    const runtime = h.runtime([projector], { maxAttempts: 2 });
    await runtime.drain({ maxMs: 10_000, maxEvents: 100 });
    const parked = await listDeadLetters(h.db, projector.name);
    expect(parked).toHaveLength(2);
    expect(parked.find((d) => d.aggregateId === 's')).toMatchObject({ status: 'failed', attempts: 2 });
    expect(parked.find((d) => d.aggregateId === '(undecodable)')?.error).toContain('invalid envelope');
    const poison = parked.find((d) => d.aggregateId === 's');
    expect(poison).toBeDefined();
    await expect(skipDeadLetter({ db: h.db, catalogue: testCatalogue, projector }, poison?.partition ?? -1, poison?.streamId ?? '')).resolves.toEqual({ applied: 0 });
    expect((await rows(table)).find((r) => r.aggregate_id === 's')).toMatchObject({ version: 1 });
    expect(await h.db.select().from(deadLetters).where(sql`${deadLetters.aggregateId} = 's'`)).toHaveLength(0);
    await runtime.releaseAll();
  });
});

describe('raw projectors that apply a whole batch at once', () => {
  it('get each straight batch in one call; a failing call runs the batch again entry by entry, where only the poison is parked', async () => {
    const table = unique('seen');
    await h.db.execute(sql`create table ${sql.identifier(table)} (event_id text primary key, stream_id text not null)`);
    const write = (events: ReadonlyArray<RawEvent>, tx: Tx) =>
      tx.execute(sql`insert into ${sql.identifier(table)} (event_id, stream_id) values ${sql.join(events.map((e) => sql`(${e.id}, ${e.position.id})`), sql`, `)}`);
    const batchSizes: number[] = [];
    let failBatches = false;
    const projector = defineRawProjector({
      name: unique('seen').replaceAll('_', '-'),
      tables: [pgTable(table, { eventId: text('event_id').primaryKey(), streamId: text('stream_id').notNull() })],
      handle: async (event, tx) => {
        if (JSON.stringify(event.data).includes('poison')) throw new Error('refusing poison');
        await write([event], tx);
      },
      handleBatch: async (events, tx) => {
        batchSizes.push(events.length);
        if (failBatches) throw new Error('the whole batch fails');
        await write(events, tx);
      },
    });
    const organizationId = randomUUID();
    await appendEvents(h.store, { organizationId, actorId: 'u', streams: [{ aggregateId: 'a', expectedVersion: 0, events: [inc(1), inc(2), inc(3)] }] });
    const runtime = h.runtime([projector], { maxAttempts: 2 });
    await runtime.drain({ maxMs: 10_000, maxEvents: 100 });
    expect(batchSizes).toEqual([3]); // one call for the three events, none per event
    expect(await h.db.execute(sql`select count(*)::int as n from ${sql.identifier(table)}`)).toEqual([{ n: 3 }]);

    failBatches = true;
    await appendEvents(h.store, { organizationId, actorId: 'u', streams: [{ aggregateId: 'b', expectedVersion: 0, events: [inc(4), inc(5, 'poison')] }] });
    await appendEvents(h.store, { organizationId, actorId: 'u', streams: [{ aggregateId: 'c', expectedVersion: 0, events: [inc(6)] }] });
    await runtime.drain({ maxMs: 10_000, maxEvents: 100 });
    // Entry by entry after the failed call: the healthy events are in, the poison is parked with its own attempts counted.
    expect(batchSizes).toEqual([3, 3]); // the second call failed, and was not repeated
    const log = (await readLog(h)).map((e) => e.id);
    expect(log).toHaveLength(6);
    const seen = await h.db.execute<{ stream_id: string }>(sql`select stream_id from ${sql.identifier(table)}`);
    expect(seen.map((r) => r.stream_id).sort()).toEqual(log.filter((_, i) => i !== 4).sort()); // all but b's poison (the 5th event)
    const parked = await listDeadLetters(h.db, projector.name);
    expect(parked.map((d) => [d.aggregateId, d.status, d.attempts])).toEqual([['b', 'failed', 2]]);
    await runtime.releaseAll();
  });
});

describe('archive, trimming and rebuild', () => {
  it('archives every event; trimming keeps what any projector still needs; a rebuild from the archive equals the live table', async () => {
    const table = unique('counters');
    const rebuilt = unique('rebuilt');
    await createCountersTable(h.db, table);
    await createCountersTable(h.db, rebuilt);
    const live = countersProjector(table);
    const organizationIds = [randomUUID(), randomUUID()];
    await appendMany(organizationIds, 6, 3);

    // Only the archive runs at first: trimming must not remove what the live projector has not seen.
    const archiveOnly = h.runtime([archiveProjector]);
    await archiveOnly.drain({ maxMs: 10_000, maxEvents: 10_000 });
    await archiveOnly.releaseAll();
    const names = [archiveProjector.name, live.name];
    const untrimmed = await trimStreams({ db: h.db, redis: h.redis, keys: h.keys, partitions: h.partitions, projectorNames: names });
    expect(untrimmed.every((r) => r.removed === 0)).toBe(true);

    const both = h.runtime([archiveProjector, live]);
    await both.drain({ maxMs: 10_000, maxEvents: 10_000 });
    const trimmed = await trimStreams({ db: h.db, redis: h.redis, keys: h.keys, partitions: h.partitions, projectorNames: names });
    expect(trimmed.reduce((n, r) => n + r.removed, 0)).toBeGreaterThan(0);

    const archived = await h.db.select().from(eventLog).where(sql`${eventLog.organizationId} in ${organizationIds}`);
    expect(archived).toHaveLength(2 * 6 * 3);

    // Rebuild into a fresh table from the archive alone (the streams are trimmed).
    await h.db.transaction((tx) => replayArchive({ tx, catalogue: testCatalogue, projector: countersProjector(rebuilt) }).then(() => undefined));
    const liveRows = (await rows(table)).filter((r) => organizationIds.some((o) => r.aggregate_id.startsWith(o)));
    const rebuiltRows = (await rows(rebuilt)).filter((r) => organizationIds.some((o) => r.aggregate_id.startsWith(o)));
    expect(rebuiltRows).toEqual(liveRows);
    expect(liveRows).toHaveLength(6);
    await both.releaseAll();
  });

  it('upcasts events written at an older schema version, in the live runtime and in the archive replay', async () => {
    const table = unique('counters');
    await createCountersTable(h.db, table);
    const organizationId = randomUUID();
    const { partition } = await appendEvents(h.store, { organizationId, actorId: 'u', streams: [{ aggregateId: 'old', expectedVersion: 0, events: [inc(1)] }] });
    // An entry as version-1 code wrote it: no `note` field.
    await h.redis.xAdd(h.keys.stream(partition), '*', {
      e: JSON.stringify({
        id: randomUUID(), type: 'counter.incremented', v: 1, aggregateId: 'old', aggregateVersion: 2, organizationId, actorId: 'u',
        correlationId: 'c', causationId: null, occurredAt: new Date().toISOString(), data: { by: 41 },
      }),
    });
    const runtime = h.runtime([countersProjector(table)]);
    await runtime.drain({ maxMs: 5_000, maxEvents: 100 });
    expect((await rows(table)).find((r) => r.aggregate_id === 'old')).toMatchObject({ total: '42', version: 2 });
    await runtime.releaseAll();
  });
});

describe('G13 liveness is visible', () => {
  it('status turns red when events wait longer than the stall threshold, and green once a worker catches up', async () => {
    const table = unique('counters');
    await createCountersTable(h.db, table);
    const projector = countersProjector(table);
    const status = () => projectorsStatus({ db: h.db, redis: h.redis, keys: h.keys, partitions: h.partitions, projectorNames: [projector.name], stallMs: 300 });
    const runtime = h.runtime([projector]);
    await runtime.drain({ maxMs: 2_000, maxEvents: 10_000 });
    await expect(status()).resolves.toMatchObject({ ok: true });

    // No worker runs while appends continue.
    const organizationId = randomUUID();
    await appendEvents(h.store, { organizationId, actorId: 'u', streams: [{ aggregateId: 'g13', expectedVersion: 0, events: [inc(1)] }] });
    await eventually(async () => !(await status()).ok, 5_000, 'status red');
    const red = await status();
    const stalled = red.partitions.filter((p) => p.stalled);
    expect(stalled).toHaveLength(1);
    expect(stalled[0]).toMatchObject({ projector: projector.name, lag: 1 });
    expect(stalled[0]?.waitingMs).toBeGreaterThan(300);

    await runtime.drain({ maxMs: 2_000, maxEvents: 100 });
    await expect(status()).resolves.toMatchObject({ ok: true });
    await runtime.releaseAll();
  });
});
