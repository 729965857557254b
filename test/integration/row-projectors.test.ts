/**
 * Row projectors (src/server/projectors/rows.ts): a batch applied at once must
 * leave exactly the tables that the same events leave one at a time (the
 * runtime falls back to one at a time when a batch fails, and rebuilds apply
 * pages), a failing handler in a batch parks only its own aggregate, and
 * the bulk insert they write with gives back every value as it was.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { bigint, boolean, date, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bulkTable, insertMany } from '~/server/db/bulk-insert';
import { deadLetters } from '~/server/db/event-core-schema';
import type { StoredEvent } from '~/server/events/envelope';
import { activityProjector } from '~/server/modules/activity/read-models/feed';
import { boardProjector } from '~/server/modules/tasks/read-models/board';
import { dashboardProjector } from '~/server/modules/tasks/read-models/dashboard';
import { defineRowProjector, type Projector, type Tx } from '~/server/projectors/define-projector';
import { aggregateRows, appendRows, counterRows } from '~/server/projectors/rows';
import { appendEvents } from '~/server/events/append';
import { counterIncremented, counterReset } from '../support/event-core';
import { createHarness, type Harness } from '../support/event-harness';

let h: Harness;
beforeEach(async () => {
  h = await createHarness({ partitions: 2 });
});
afterEach(() => h.close());

/** Small deterministic generator, so a failing sequence can be replayed from its seed. */
function random(seed: number) {
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T };
}

const STATUSES = ['todo', 'doing', 'done'] as const;

/**
 * A plausible history: organizations with projects and tasks, each task's
 * events in version order, aggregates interleaved at random; now and then an
 * event is delivered twice (a replay the version guards must ignore).
 */
function history(seed: number, length: number): StoredEvent[] {
  const r = random(seed);
  const start = Date.UTC(2026, 10, 20);
  const organizations = [randomUUID(), randomUUID()];
  const actors = ['ann', 'bob', 'cy'];
  const versions = new Map<string, number>();
  const tasks: Array<{ id: string; organizationId: string }> = [];
  const projects: Array<{ id: string; organizationId: string }> = [];
  const events: StoredEvent[] = [];
  const add = (organizationId: string, aggregateId: string, type: string, data: unknown) => {
    const aggregateVersion = (versions.get(aggregateId) ?? 0) + 1;
    versions.set(aggregateId, aggregateVersion);
    events.push({
      id: randomUUID(),
      type,
      aggregateId,
      aggregateVersion,
      organizationId,
      actorId: r.pick(actors),
      correlationId: randomUUID(),
      causationId: null,
      occurredAt: new Date(start + events.length * 3_600_000),
      data,
      position: { partition: 0, id: `${events.length + 1}-0` },
    });
  };
  for (const organizationId of organizations) add(organizationId, organizationId, 'organization.created', { name: 'Org', slug: organizationId.slice(0, 8) });
  while (events.length < length) {
    const roll = r.next();
    const organizationId = r.pick(organizations);
    if (projects.length === 0 || roll < 0.05) {
      const id = randomUUID();
      projects.push({ id, organizationId });
      add(organizationId, id, 'project.created', { name: `P${projects.length}` });
    } else if (tasks.length === 0 || roll < 0.3) {
      const project = r.pick(projects);
      const id = randomUUID();
      tasks.push({ id, organizationId: project.organizationId });
      add(project.organizationId, id, 'task.created', { projectId: project.id, title: `T${tasks.length}`, description: '', status: r.pick(STATUSES), rank: 'a0' });
    } else if (roll < 0.35) {
      const project = r.pick(projects);
      add(project.organizationId, project.id, 'project.renamed', { name: `P${r.int(100)}` });
    } else if (roll < 0.38 && events.length > 0) {
      events.push({ ...r.pick(events) }); // delivered again
    } else {
      const task = r.pick(tasks);
      const kind = r.pick(['task.moved', 'task.moved', 'task.edited', 'task.assigned', 'task.archived', 'task.restored', 'task.labeled'] as const);
      const data =
        kind === 'task.moved'
          ? { status: r.pick(STATUSES), rank: `a${r.int(9)}` }
          : kind === 'task.edited'
            ? { title: `T${r.int(50)}`, description: 'd' }
            : kind === 'task.assigned'
              ? { assigneeId: r.next() < 0.3 ? null : r.pick(actors) }
              : kind === 'task.labeled'
                ? { labels: r.next() < 0.3 ? [] : ['bug', 'ui'].slice(0, 1 + r.int(2)) }
                : {};
      add(task.organizationId, task.id, kind, data);
    }
  }
  return events;
}

const TABLES = ['projects', 'tasks', 'activity', 'activity_task_titles', 'dashboard_versions', 'dashboard_tasks', 'dashboard_status_counts', 'dashboard_completions', 'dashboard_activity'];

/** Every row of every read table, in a stable order. */
async function snapshot(tx: Tx): Promise<Record<string, string[]>> {
  const tables: Record<string, string[]> = {};
  for (const table of TABLES) {
    const rows = await tx.execute<{ row: string }>(sql`select row_to_json(t)::text as row from ${sql.identifier(table)} t`);
    tables[table] = rows.map((r) => r.row).sort();
  }
  return tables;
}

const projectors: Projector[] = [boardProjector, activityProjector, dashboardProjector];

/** Applies `events` in chunks of the given sizes (one call per chunk), snapshots, and undoes it all. */
async function applyInChunks(events: StoredEvent[], chunkSizes: (index: number) => number): Promise<Record<string, string[]>> {
  let result: Record<string, string[]> = {};
  await h.db
    .transaction(async (tx) => {
      await tx.execute(sql.raw(`truncate ${TABLES.join(', ')}`));
      for (let i = 0; i < events.length; ) {
        const chunk = events.slice(i, i + chunkSizes(i));
        i += chunk.length;
        for (const projector of projectors) {
          if (projector.raw || !projector.applyBatch) throw new Error(`${projector.name} should be a row projector`);
          const read = chunk.filter((e) => projector.handles(e.type));
          if (read.length > 0) await projector.applyBatch(read, tx);
        }
      }
      result = await snapshot(tx);
      throw new Rollback();
    })
    .catch((error: unknown) => {
      if (!(error instanceof Rollback)) throw error;
    });
  return result;
}

class Rollback extends Error {}

describe('row projectors', () => {
  it('leave the same tables whether a history is applied at once, one event at a time, or in random chunks', { timeout: 120_000 }, async () => {
    for (let seed = 1; seed <= 12; seed++) {
      const events = history(seed, 150);
      const r = random(seed * 7919);
      const atOnce = await applyInChunks(events, () => events.length);
      const oneByOne = await applyInChunks(events, () => 1);
      const chunked = await applyInChunks(events, () => 1 + r.int(40));
      expect(atOnce.tasks?.length, `seed ${seed}: the history creates tasks`).toBeGreaterThan(5);
      expect(oneByOne, `seed ${seed}: one at a time`).toEqual(atOnce);
      expect(chunked, `seed ${seed}: random chunks`).toEqual(atOnce);
    }
  });

  it('reach only the rows of their batch’s aggregates, and say so', async () => {
    const table = pgTable(`rows_${randomUUID().slice(0, 8)}`, { id: text('id').primaryKey(), n: integer('n').notNull() });
    await h.db.execute(sql`create table ${table} (id text primary key, n int not null)`);
    const set = aggregateRows(table, 'id');
    await h.db.transaction(async (tx) => {
      const open = await set.open(tx, ['a']);
      open.access.insert({ id: 'a', n: 1 });
      expect(() => open.access.get('b')).toThrow(/aggregate b is not one of this batch's/);
      expect(() => open.access.put({ id: 'b', n: 1 })).toThrow(/not one of this batch's/);
    });
  });

  it('write large batches, and add counters per key', { timeout: 60_000 }, async () => {
    const suffix = randomUUID().slice(0, 8);
    const log = pgTable(`log_${suffix}`, { id: text('id').primaryKey(), a: text('a').notNull(), b: text('b').notNull(), c: text('c').notNull() });
    const counts = pgTable(`counts_${suffix}`, { key: text('key').primaryKey(), total: integer('total').notNull() });
    await h.db.execute(sql`create table ${log} (id text primary key, a text not null, b text not null, c text not null)`);
    await h.db.execute(sql`create table ${counts} (key text primary key, total int not null)`);
    const logRows = appendRows(log);
    const countRows = counterRows(counts, 'total');
    const total = 40_000;
    await h.db.transaction(async (tx) => {
      const [added, counted] = await Promise.all([logRows.open(tx, []), countRows.open(tx, [])]);
      for (let i = 0; i < total; i++) {
        added.access.add({ id: `r${i}`, a: 'x', b: 'y', c: 'z' });
        counted.access.add({ key: `k${i % 3}` }, 1);
      }
      added.access.add({ id: 'r0', a: 'again', b: '', c: '' }); // a repeat of a key is ignored
      await added.flush(tx);
      await counted.flush(tx);
    });
    const [stored] = await h.db.execute<{ n: string; again: string }>(sql`select count(*)::text as n, count(*) filter (where a = 'again')::text as again from ${log}`);
    expect(stored).toEqual({ n: String(total), again: '0' });
    const sums = await h.db.execute<{ key: string; total: number }>(sql`select key, total from ${counts} order by key`);
    expect(sums.map((s) => [s.key, s.total])).toEqual([
      ['k0', 13_334],
      ['k1', 13_333],
      ['k2', 13_333],
    ]);
  });

  it('park only the aggregate whose handler fails in a batch; the rest of the batch is applied', { timeout: 60_000 }, async () => {
    const table = pgTable(`totals_${randomUUID().slice(0, 8)}`, { aggregateId: text('aggregate_id').primaryKey(), total: integer('total').notNull(), version: integer('version').notNull() });
    await h.db.execute(sql`create table ${table} (aggregate_id text primary key, total int not null, version int not null)`);
    const projector = defineRowProjector({
      name: `totals-${randomUUID().slice(0, 8)}`,
      events: [counterIncremented, counterReset],
      rows: { totals: aggregateRows(table, 'aggregateId') },
      handlers: {
        'counter.incremented': (e, rows) => {
          if (e.data.note === 'poison') throw new Error('refusing poison');
          const row = rows.totals.get(e.aggregateId);
          rows.totals.put({ aggregateId: e.aggregateId, total: (row?.total ?? 0) + e.data.by, version: e.aggregateVersion });
        },
        'counter.reset': (e, rows) => rows.totals.update(e.aggregateId, { total: 0, version: e.aggregateVersion }),
      },
    });
    const organizationId = randomUUID();
    const aggregates = ['good-1', 'bad', 'good-2'].map((name) => `${organizationId}/${name}`);
    for (let version = 0; version < 4; version++) {
      for (const aggregateId of aggregates) {
        const note = aggregateId.endsWith('bad') && version === 1 ? 'poison' : 'ok';
        await appendEvents(h.store, { organizationId, actorId: 'u', streams: [{ aggregateId, expectedVersion: version, events: [counterIncremented.create({ by: 1, note })] }] });
      }
    }
    const runtime = h.runtime([projector], { maxAttempts: 2 });
    await runtime.drain({ maxMs: 10_000, maxEvents: 1_000 });
    await runtime.releaseAll();
    const totals = await h.db.execute<{ aggregate_id: string; total: number; version: number }>(sql`select aggregate_id, total, version from ${table} order by aggregate_id`);
    expect(totals.map((t) => [t.aggregate_id.split('/')[1], t.total, t.version])).toEqual([
      ['bad', 1, 1],
      ['good-1', 4, 4],
      ['good-2', 4, 4],
    ]);
    const parked = await h.db.select().from(deadLetters).where(sql`${deadLetters.projector} = ${projector.name}`);
    expect(parked.map((p) => p.status).sort()).toEqual(['blocked', 'blocked', 'failed']);
    expect(new Set(parked.map((p) => p.aggregateId))).toEqual(new Set([`${organizationId}/bad`]));
  });
});

describe('insertMany', () => {
  it('writes back every value as it was: text with quotes and braces, nulls, arrays, JSON, dates, numbers, booleans', async () => {
    const table = pgTable(`bulk_${randomUUID().slice(0, 8)}`, {
      id: text('id').primaryKey(),
      note: text('note'),
      tags: text('tags').array().notNull(),
      data: jsonb('data').notNull(),
      at: timestamp('at', { mode: 'date', withTimezone: true }).notNull(),
      day: date('day', { mode: 'string' }).notNull(),
      n: integer('n').notNull(),
      big: bigint('big', { mode: 'bigint' }).notNull(),
      flag: boolean('flag').notNull(),
    });
    await h.db.execute(sql`create table ${table} (id text primary key, note text, tags text[] not null, data jsonb not null,
      at timestamptz not null, day date not null, n int not null, big bigint not null, flag boolean not null)`);
    const rows = [
      { id: 'a', note: 'say "hi", {x} \\ back\nslash', tags: ['"quoted"', 'a,b', '{brace}', 'back\\slash', 'NULL', 'ünï'], data: { nested: [1, 'two', null], s: '"' }, at: new Date('2026-12-02T10:11:12.345Z'), day: '2026-12-02', n: -7, big: 9_007_199_254_740_993n, flag: true },
      { id: 'b', note: null, tags: [], data: [], at: new Date(0), day: '1999-01-01', n: 0, big: 0n, flag: false },
    ];
    await insertMany(h.db, table, bulkTable(table), rows, sql`on conflict do nothing`);
    const stored = await h.db.select().from(table).orderBy(table.id);
    expect(stored).toEqual(rows);
  });
});
