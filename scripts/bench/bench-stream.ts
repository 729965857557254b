/**
 * The bench's own event and read model, shared by the append and drain
 * scenarios: `bench.something-happened` (an amount per aggregate), a preload
 * of it through `appendEvents`, the scratch tables the raw consumers and the
 * simple projector fold it into (one row per aggregate: total and version),
 * and that simple projector. Three consumers folding the same events must end
 * with equal tables: `tableSummary` is how the drain compares them.
 */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../src/server/db/client';
import { appendEvents, type AppendStream, type EventStore } from '../../src/server/events/append';
import { defineEvent } from '../../src/server/events/define-event';
import { bigint, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { defineRowProjector, type Projector, type Tx } from '../../src/server/projectors/define-projector';
import { aggregateRows } from '../../src/server/projectors/rows';
import type { Redis } from '../../src/server/redis/client';
import type { Keys } from '../../src/server/redis/keys';
import { balancedOrganizations, IN_FLIGHT, PARTITIONS, runPool, type Measured } from './measure';

export const somethingHappened = defineEvent({
  type: 'bench.something-happened',
  version: 1,
  description: 'Emitted when the bench appends an event of its own.',
  example: { amount: 42, note: 'bench' },
  data: z.object({ amount: z.number().int().min(0).max(1_000_000), note: z.string().max(100) }),
});

/** Preload appends: this many aggregates per call, this many events each. */
const AGGREGATES_PER_CALL = 10;
const EVENTS_PER_AGGREGATE = 5;
const EVENTS_PER_CALL = AGGREGATES_PER_CALL * EVENTS_PER_AGGREGATE;
const AGGREGATES_PER_ORG = 20;

/** Appends `total` bench events across the partitions, 50 per call, and returns how many the streams hold. */
export async function preloadBenchStream(redis: Redis, store: EventStore, keys: Keys, total: number, limitMs: number): Promise<Measured & { inStreams: number }> {
  const organizations = balancedOrganizations('drain', IN_FLIGHT);
  const versions = new Map<string, number>();
  const calls = organizations.map(() => 0);
  const callCount = Math.ceil(total / EVENTS_PER_CALL);
  const groups = AGGREGATES_PER_ORG / AGGREGATES_PER_CALL;

  const m = await runPool(callCount, IN_FLIGHT, limitMs, async (worker, index) => {
    const organizationId = organizations[worker] ?? '?';
    const group = (calls[worker] ?? 0) % groups;
    calls[worker] = (calls[worker] ?? 0) + 1;
    const events = Math.min(EVENTS_PER_CALL, total - index * EVENTS_PER_CALL);
    const streams: AppendStream[] = [];
    for (let a = 0; a * EVENTS_PER_AGGREGATE < events; a++) {
      const aggregateId = `${organizationId}/item-${group * AGGREGATES_PER_CALL + a}`;
      const n = Math.min(EVENTS_PER_AGGREGATE, events - a * EVENTS_PER_AGGREGATE);
      streams.push({
        aggregateId,
        expectedVersion: versions.get(aggregateId) ?? 0,
        events: Array.from({ length: n }, (_, i) => somethingHappened.create({ amount: ((index + a + i) % 97) + 1, note: 'preload' })),
      });
    }
    const result = await appendEvents(store, { organizationId, actorId: 'bench', streams });
    for (const [aggregateId, version] of Object.entries(result.versions)) versions.set(aggregateId, version);
    return events;
  });

  let inStreams = 0;
  for (let p = 0; p < PARTITIONS; p++) inStreams += await redis.xLen(keys.stream(p));
  return { ...m, inStreams };
}

export type BenchTable = 'bench_raw' | 'bench_raw_batch' | 'bench_projected';
export const BENCH_TABLES: ReadonlyArray<BenchTable> = ['bench_raw', 'bench_raw_batch', 'bench_projected'];

export async function createBenchTables(db: Db) {
  for (const table of BENCH_TABLES) {
    await db.execute(sql.raw(`create table if not exists ${table} (aggregate_id text primary key, total bigint not null, version int not null)`));
  }
  await db.execute(
    sql.raw(`create table if not exists bench_raw_checkpoints (
      consumer text not null, partition int not null, last_id text not null, primary key (consumer, partition))`),
  );
}

/** The one-row-per-event write of the raw per-event loop. */
export async function upsert(tx: Tx, table: BenchTable, aggregateId: string, amount: number, version: number) {
  await tx.execute(
    sql`insert into ${sql.identifier(table)} as t (aggregate_id, total, version) values (${aggregateId}, ${amount}, ${version})
        on conflict (aggregate_id) do update set total = t.total + excluded.total, version = excluded.version`,
  );
}

const summaryRows = z.array(z.object({ rows: z.string(), total: z.string(), versions: z.string() })).length(1);

/** Row count, sum of totals and of versions: equal summaries mean the same events were folded once each. */
export async function tableSummary(db: Db, table: BenchTable) {
  const rows = await db.execute(sql`select count(*)::text as rows, coalesce(sum(total), 0)::text as total, coalesce(sum(version), 0)::text as versions
    from ${sql.identifier(table)}`);
  const [summary] = summaryRows.parse(rows);
  if (!summary) throw new Error(`no summary of ${table}`);
  return summary;
}

const benchProjected = pgTable('bench_projected', {
  aggregateId: text('aggregate_id').primaryKey(),
  total: bigint('total', { mode: 'number' }).notNull(),
  version: integer('version').notNull(),
});

/**
 * The simple projector, written the way the app's read models are: a row
 * projector folding the same totals as the raw loops, run by the projector
 * runtime (rows loaded and written back once per batch).
 */
export function benchProjector(name: string): Projector {
  return defineRowProjector({
    name,
    events: [somethingHappened],
    rows: { totals: aggregateRows(benchProjected, 'aggregateId') },
    handlers: {
      'bench.something-happened': (event, rows) => {
        const row = rows.totals.get(event.aggregateId);
        rows.totals.put({ aggregateId: event.aggregateId, total: (row?.total ?? 0) + event.data.amount, version: event.aggregateVersion });
      },
    },
  });
}
