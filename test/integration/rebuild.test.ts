/**
 * Rebuilding a read model into fresh tables (src/server/projectors/rebuild.ts)
 * and filling a new projector from the archive (src/server/projectors/archive-fill.ts),
 * on the counters domain of the event-core tests. One key space for the whole
 * file, as in production (the archive is that key space's log): every
 * projector here reads every event any test appended, and each test compares
 * projectors that read the same log.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadLetters, projectorCheckpoints } from '~/server/db/event-core-schema';
import { appendEvents } from '~/server/events/append';
import { AppError } from '~/server/errors';
import { archiveProjector } from '~/server/projectors/archive';
import { defineReactor, type Projector } from '~/server/projectors/define-projector';
import { rebuildProjection, type RebuildProgress } from '~/server/projectors/rebuild';
import { trimStreams } from '~/server/projectors/trim';
import { counterIncremented, countersProjector, createCountersTable, testCatalogue } from '../support/event-core';
import { createHarness, type Harness } from '../support/event-harness';
import { captureLogs } from '../support/log-capture';

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ partitions: 3 });
});
afterAll(() => h.close());

const { logger } = captureLogs();
const unique = (p: string) => `${p}_${randomUUID().slice(0, 8)}`;
const inc = (by: number, note = '') => counterIncremented.create({ by, note });

/** Appends `perAggregate` events to each of `aggregates` new aggregates of a new organization, one append per event, spread over the partitions. */
async function appendSome(aggregates: number, perAggregate: number, note: (i: number, a: number) => string = () => '') {
  for (let a = 0; a < aggregates; a++) {
    const organizationId = randomUUID();
    for (let i = 0; i < perAggregate; i++) {
      await appendEvents(h.store, { organizationId, actorId: 'u', streams: [{ aggregateId: `${organizationId}/a`, expectedVersion: i, events: [inc(i + 1, note(i, a))] }] });
    }
  }
}

async function drain(projectors: ReadonlyArray<Projector>) {
  const runtime = h.runtime(projectors);
  await runtime.drain({ maxMs: 30_000, maxEvents: 100_000 });
  await runtime.releaseAll();
}

/** Every row of a table, as JSON text, sorted. */
async function rowsOf(table: string): Promise<string[]> {
  const rows = await h.db.execute<{ row: string }>(sql`select to_jsonb(t)::text as row from ${sql.identifier(table)} t`);
  return rows.map((r) => r.row).sort();
}

/** One entry per partition; a partition with no row yet reads as the row it would start with. */
async function checkpointsOf(projector: string) {
  const rows = await h.db.select().from(projectorCheckpoints).where(eq(projectorCheckpoints.projector, projector));
  return Array.from({ length: h.partitions }, (_, partition) => {
    const row = rows.find((r) => r.partition === partition);
    return { partition, lastId: row?.lastId ?? '0-0', eventsApplied: row?.eventsApplied ?? 0, fence: row?.fence ?? 0 };
  });
}

async function lettersOf(projector: string) {
  const rows = await h.db.select().from(deadLetters).where(eq(deadLetters.projector, projector)).orderBy(deadLetters.partition, deadLetters.streamId);
  return rows.map((r) => ({ partition: r.partition, streamId: r.streamId, aggregateId: r.aggregateId, status: r.status, attempts: r.attempts, error: r.error }));
}

const indexesOf = (table: string) => h.db.execute<{ indexname: string; indexdef: string }>(sql`select indexname, indexdef from pg_indexes where tablename = ${table} order by indexname`);
const oidOf = async (table: string) => (await h.db.execute<{ oid: number }>(sql`select to_regclass(${table})::oid::int as oid`))[0]?.oid;

function rebuild(projectors: ReadonlyArray<Projector>, name: string, onProgress?: (p: RebuildProgress) => void) {
  return rebuildProjection({ db: h.db, redis: h.redis, keys: h.keys, catalogue: testCatalogue, partitions: h.partitions, projectors, name, logger, onProgress });
}

const trim = (names: string[]) => trimStreams({ db: h.db, redis: h.redis, keys: h.keys, partitions: h.partitions, projectorNames: names });

describe('rebuildProjection', () => {
  it('builds fresh tables from the archive and the stream tail past it, equal to the old ones, with the same indexes and checkpoints; also after trimming', async () => {
    const table = unique('counters');
    await createCountersTable(h.db, table);
    await h.db.execute(sql`create index ${sql.identifier(`${table}_total`)} on ${sql.identifier(table)} (total) where total > 0`);
    const projector = countersProjector(table);
    const projectors = [archiveProjector, projector];
    await appendSome(6, 5);
    await drain(projectors);
    expect((await trim([archiveProjector.name, projector.name])).reduce((n, r) => n + r.removed, 0)).toBeGreaterThan(0);
    // A tail the archive has not taken yet: only in the stream.
    await appendSome(3, 4);
    await drain([projector]);

    const before = { rows: await rowsOf(table), checkpoints: await checkpointsOf(projector.name), indexes: await indexesOf(table), oid: await oidOf(table) };
    expect(before.rows.length).toBeGreaterThanOrEqual(9);
    const seen: RebuildProgress[] = [];
    const result = await rebuild(projectors, projector.name, (p) => seen.push(p));

    expect(await rowsOf(table)).toEqual(before.rows);
    expect(await checkpointsOf(projector.name)).toEqual(before.checkpoints);
    expect(await indexesOf(table)).toEqual(before.indexes);
    expect(await oidOf(table), 'a new table took the old one’s place').not.toBe(before.oid);
    const applied = before.checkpoints.reduce((n, c) => n + c.eventsApplied, 0);
    expect(result).toMatchObject({ projector: projector.name, events: applied, parked: 0 });
    expect(seen.at(-1)).toMatchObject({ done: applied, total: applied, finished: true, secondsLeft: 0 });
    expect(await h.db.execute(sql`select 1 from pg_namespace where nspname like 'rebuild_%'`)).toHaveLength(0);

    // The live projector goes on from the rebuilt checkpoints: new events once, old ones not again (the strict projector throws on a repeat).
    await appendSome(2, 2);
    await drain(projectors);
    expect((await rowsOf(table)).length).toBe(before.rows.length + 2);
  });

  it('parks a poison event as the live runtime does; once the handler is fixed, a rebuild applies it and clears the dead letters', async () => {
    const table = unique('counters');
    await createCountersTable(h.db, table);
    const poisoned = countersProjector(table, { failWhen: (note) => note === 'poison' });
    await appendSome(3, 3, (i, a) => (a === 1 && i === 1 ? 'poison' : ''));
    await drain([archiveProjector, poisoned]);
    const live = { rows: await rowsOf(table), letters: await lettersOf(poisoned.name), checkpoints: await checkpointsOf(poisoned.name) };
    expect(live.letters.map((l) => l.status)).toEqual(['failed', 'blocked']);

    const result = await rebuild([archiveProjector, poisoned], poisoned.name);
    expect(result.parked).toBe(2);
    expect(await lettersOf(poisoned.name)).toEqual(live.letters);
    expect(await rowsOf(table)).toEqual(live.rows);
    expect(await checkpointsOf(poisoned.name)).toEqual(live.checkpoints);

    const fixed = countersProjector(table);
    await rebuild([archiveProjector, fixed], fixed.name);
    expect(await lettersOf(fixed.name)).toEqual([]);
    const clean = unique('clean');
    await createCountersTable(h.db, clean);
    await drain([archiveProjector, countersProjector(clean)]);
    expect(await rowsOf(table)).toEqual(await rowsOf(clean));
  });

  it('refuses the archive, reactors and unknown names, naming the ones it can rebuild', async () => {
    const table = unique('counters');
    const projector = countersProjector(table);
    const reactor = defineReactor({ name: 'mailer', events: [counterIncremented], handlers: { 'counter.incremented': async () => undefined } });
    const projectors = [archiveProjector, projector, reactor];
    const refusal = (name: string) => rebuild(projectors, name).then(() => null, (error: unknown) => error);
    for (const [name, why] of [['archive', /is the archive/], ['mailer', /is a reactor/], ['nope', /There is no projector "nope"/]] as const) {
      const error = await refusal(name);
      expect(error).toBeInstanceOf(AppError);
      expect(String(error)).toMatch(why);
      expect(String(error)).toContain(`Rebuildable projectors: ${projector.name}.`);
    }
  });

  it('runs one rebuild of a projector at a time', async () => {
    const table = unique('counters');
    await createCountersTable(h.db, table);
    const projector = countersProjector(table);
    // Another process rebuilding it holds this lock for as long as it runs.
    const key = `streamline:rebuild:${projector.name}`;
    const other = await h.db.$client.reserve();
    try {
      await other`select pg_advisory_lock(hashtext(${key}))`;
      await expect(rebuild([archiveProjector, projector], projector.name)).rejects.toThrow(`A rebuild of ${projector.name} is already running.`);
    } finally {
      await other`select pg_advisory_unlock(hashtext(${key}))`;
      other.release();
    }
    await expect(rebuild([archiveProjector, projector], projector.name)).resolves.toMatchObject({ projector: projector.name });
  });
});

describe('a projector added after the streams were trimmed', () => {
  it('fills itself from the archive first, then goes on with the stream: its table equals one that saw every event', async () => {
    const early = unique('early');
    const late = unique('late');
    await createCountersTable(h.db, early);
    await createCountersTable(h.db, late);
    const earlyProjector = countersProjector(early);
    await appendSome(8, 4);
    await drain([archiveProjector, earlyProjector]);
    const trimmed = await trim([archiveProjector.name, earlyProjector.name]);
    expect(trimmed.reduce((n, r) => n + r.removed, 0)).toBeGreaterThan(0);
    await appendSome(2, 3);

    const lateProjector = countersProjector(late);
    await drain([archiveProjector, earlyProjector, lateProjector]);
    expect((await rowsOf(late)).length).toBeGreaterThanOrEqual(10);
    expect(await rowsOf(late)).toEqual(await rowsOf(early));
    // Checkpoints and applied counts as if it had read every entry from the stream.
    const strip = (rows: Awaited<ReturnType<typeof checkpointsOf>>) => rows.map(({ partition, lastId, eventsApplied }) => ({ partition, lastId, eventsApplied }));
    expect(strip(await checkpointsOf(lateProjector.name))).toEqual(strip(await checkpointsOf(earlyProjector.name)));
    for (let p = 0; p < h.partitions; p++) expect((await h.redis.xPending(h.keys.stream(p), lateProjector.name)).pending).toBe(0);
  });

  it('resumes a fill cut short: the events between its checkpoint and the stream’s start come from the archive', async () => {
    const full = unique('full');
    const cut = unique('cut');
    await createCountersTable(h.db, full);
    await createCountersTable(h.db, cut);
    const fullProjector = countersProjector(full);
    await appendSome(6, 3);
    await drain([archiveProjector, fullProjector]);
    await trim([archiveProjector.name, fullProjector.name]);

    // A first drain that dies after its first archived page (batches of 2).
    const cutProjector = countersProjector(cut);
    let commits = 0;
    const dying = h.runtime([cutProjector], {
      batchSize: 2,
      faults: (point) => {
        if (point === 'after-commit' && ++commits === 1) throw new Error('crash after the first page');
      },
    });
    await expect(dying.drain({ maxMs: 10_000, maxEvents: 10_000 })).rejects.toThrow('crash after the first page');
    await dying.releaseAll();
    const [partial] = await h.db
      .select()
      .from(projectorCheckpoints)
      .where(and(eq(projectorCheckpoints.projector, cutProjector.name), sql`${projectorCheckpoints.eventsApplied} > 0`));
    expect(partial?.eventsApplied).toBe(2);

    await drain([archiveProjector, fullProjector, cutProjector]);
    expect(await rowsOf(cut)).toEqual(await rowsOf(full));
  });
});
