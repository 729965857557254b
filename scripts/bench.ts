/**
 * `npm run bench`: what the event core costs over the bare primitives it is
 * built on, on this machine. It starts its own Redis (AOF, `appendfsync
 * always`) and PostgreSQL (fsync off, as in tests) in a temporary directory on
 * 127.0.0.1, and removes them at the end.
 *
 * 1. Append throughput: `appendEvents` (envelope building and validation,
 *    version check, XADD and version SET in one Lua script, then the
 *    persistence wait) against a bare `XADD` of an envelope-sized payload,
 *    both with 64 requests in flight on the same client. The `durability`
 *    in the output says what the persistence wait is: 'fsync-always' costs
 *    no extra round trip, 'waitaof' (Redis 7.2+) adds a WAITAOF per append.
 * 2. Drain rate: the projector runtime (leases, fences, checkpoints, decoding,
 *    dead-letter bookkeeping, change notices) against two hand-written
 *    consumer loops over the same preloaded events, database and pool:
 *    XREADGROUP COUNT 500 → one transaction → XACK, writing either one upsert
 *    per event (the runtime's own shape: one handler call per event) or, the
 *    pipeline at its best, the batch folded per row in memory and written as
 *    ONE multi-row upsert, plus the checkpoint. The ratio that counts is
 *    against the best form: it is what Postgres allows.
 *
 * Reading the numbers: only the ratios matter (subject / baseline, measured
 * in the same run); absolute rates depend on the machine. On a shared machine
 * other processes' load comes and goes within seconds, so the sides are
 * interleaved: appends run as short slices alternating A B B A…, and each
 * side's median slice counts; the drain runs each side twice (A B, then B A)
 * and each side's best run counts. The per-slice and per-round lines show the
 * spread: when they disagree a lot, run again on a quieter machine. A ratio
 * below its target is flagged, but the exit code stays 0.
 *
 * Sizes (environment):
 *   BENCH_APPEND_OPS    append operations per side (default 20000)
 *   BENCH_DRAIN_EVENTS  events preloaded for the drain phases (default 100000)
 * e.g. `BENCH_APPEND_OPS=2000 BENCH_DRAIN_EVENTS=5000 npm run bench` for a quick run.
 * Every phase also stops after a time limit and reports the rate it reached.
 */
import { rmSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import pino, { type Logger } from 'pino';
import { z } from 'zod';
import { createDb, type Db } from '../src/server/db/client';
import { runMigrations } from '../src/server/db/migrate';
import { appendEvents, type AppendStream, type EventStore } from '../src/server/events/append';
import { probeDurability } from '../src/server/events/durability';
import type * as CatalogueModule from '../src/server/events/catalogue';
import { defineEvent } from '../src/server/events/define-event';
import { archiveProjector } from '../src/server/projectors/archive';
import { defineProjector, type Projector, type Tx } from '../src/server/projectors/define-projector';
import type * as RuntimeModule from '../src/server/projectors/runtime';
import { createRedis, type Redis } from '../src/server/redis/client';
import { createKeys, partitionOf, type Keys } from '../src/server/redis/keys';
import { startLocalPostgres, type LocalPostgres } from './lib/local-postgres';
import { startLocalRedis, type LocalRedis } from './lib/local-redis';
import { runMain } from './lib/run-main';

const sizesResult = z
  .object({
    BENCH_APPEND_OPS: z.coerce.number().int().min(100).max(10_000_000).default(20_000),
    BENCH_DRAIN_EVENTS: z.coerce.number().int().min(500).max(10_000_000).default(100_000),
  })
  .safeParse({
    BENCH_APPEND_OPS: process.env.BENCH_APPEND_OPS || undefined,
    BENCH_DRAIN_EVENTS: process.env.BENCH_DRAIN_EVENTS || undefined,
  });
if (!sizesResult.success) {
  console.error(`Invalid bench size: ${z.prettifyError(sizesResult.error).replaceAll('\n', ' ')}`);
  process.exit(1);
}
const sizes = sizesResult.data;

const PARTITIONS = 4;
const IN_FLIGHT = 64;
/** Each side's operations are split into this many slices, interleaved with the other side's. */
const APPEND_SLICES = 10;
const DRAIN_ROUNDS = 2;
const BATCH_SIZE = 500;
const DB_POOL = 4;
const APPEND_PHASE_LIMIT_MS = 60_000;
const DRAIN_PHASE_LIMIT_MS = 180_000;
const PRELOAD_LIMIT_MS = 300_000;
/** Preload appends: this many aggregates per call, this many events each. */
const PRELOAD_AGGREGATES_PER_CALL = 10;
const PRELOAD_EVENTS_PER_AGGREGATE = 5;
const PRELOAD_EVENTS_PER_CALL = PRELOAD_AGGREGATES_PER_CALL * PRELOAD_EVENTS_PER_AGGREGATE;
const PRELOAD_AGGREGATES_PER_ORG = 20;
const TARGET_APPEND = 0.5;
const TARGET_DRAIN = 0.6;

const somethingHappened = defineEvent({
  type: 'bench.something-happened',
  version: 1,
  data: z.object({ amount: z.number().int().min(0).max(1_000_000), note: z.string().max(100) }),
});

/** What the hand-written consumer needs of an entry, checked the way any consumer must check input. */
const rawEntry = z.object({
  aggregateId: z.string().min(1),
  aggregateVersion: z.number().int().min(1),
  data: z.object({ amount: z.number().int() }),
});

/** node-redis types XREADGROUP replies loosely; this is the shape it returns over RESP2. */
const groupReadReply = z
  .array(
    z.object({
      name: z.string(),
      messages: z.array(z.object({ id: z.string(), message: z.record(z.string(), z.string()).nullable() })),
    }),
  )
  .nullable();

interface Measured {
  count: number;
  ms: number;
  /** Stopped by the time limit before reaching its count. */
  cut: boolean;
}

const rate = (m: Measured) => (m.ms > 0 ? (m.count * 1000) / m.ms : 0);

/**
 * Runs `op` `total` times with `inFlight` concurrent callers. `index` numbers
 * the operations 0…total-1 across all callers.
 */
async function runPool(total: number, inFlight: number, limitMs: number, op: (worker: number, index: number) => Promise<number>): Promise<Measured> {
  let started = 0;
  let count = 0;
  const t0 = performance.now();
  const deadline = t0 + limitMs;
  await Promise.all(
    Array.from({ length: inFlight }, async (_, worker) => {
      while (started < total && performance.now() < deadline) {
        const index = started;
        started += 1;
        // Not `count += await op()`: that reads `count` before awaiting and loses the other callers' updates.
        const done = await op(worker, index);
        count += done;
      }
    }),
  );
  return { count, ms: performance.now() - t0, cut: started < total };
}

/** `count` organization ids spread evenly over the partitions, so every stream gets its share. */
function balancedOrganizations(label: string, count: number): string[] {
  const perPartition = Math.ceil(count / PARTITIONS);
  const used = new Array<number>(PARTITIONS).fill(0);
  const ids: string[] = [];
  for (let n = 0; ids.length < count; n++) {
    const id = `${label}-org-${n}`;
    const p = partitionOf(id, PARTITIONS);
    if ((used[p] ?? 0) >= perPartition) continue;
    used[p] = (used[p] ?? 0) + 1;
    ids.push(id);
  }
  return ids;
}

type BenchTable = 'bench_raw' | 'bench_raw_batch' | 'bench_projected';

async function upsert(tx: Tx, table: BenchTable, aggregateId: string, amount: number, version: number) {
  await tx.execute(
    sql`insert into ${sql.identifier(table)} as t (aggregate_id, total, version) values (${aggregateId}, ${amount}, ${version})
        on conflict (aggregate_id) do update set total = t.total + excluded.total, version = excluded.version`,
  );
}

async function createTables(db: Db) {
  for (const table of ['bench_raw', 'bench_raw_batch', 'bench_projected']) {
    await db.execute(
      sql.raw(`create table if not exists ${table} (aggregate_id text primary key, total bigint not null, version int not null)`),
    );
  }
  await db.execute(
    sql.raw(`create table if not exists bench_raw_checkpoints (
      consumer text not null, partition int not null, last_id text not null, primary key (consumer, partition))`),
  );
}

async function tableSummary(db: Db, table: BenchTable) {
  const rows = await db.execute(sql`select count(*)::text as rows, coalesce(sum(total), 0)::text as total, coalesce(sum(version), 0)::text as versions
    from ${sql.identifier(table)}`);
  return z.array(z.object({ rows: z.string(), total: z.string(), versions: z.string() })).length(1).parse(rows)[0];
}

// ---------------------------------------------------------------- figure 1

async function benchAppend(redis: Redis, appendKeys: Keys, xaddKeys: Keys, store: EventStore, log: (line: string) => void) {
  const organizations = balancedOrganizations('append', IN_FLIGHT);
  const versions = organizations.map(() => 0);
  const aggregateOf = (worker: number) => `${organizations[worker] ?? '?'}/counter`;

  const appendOne = async (worker: number) => {
    const aggregateId = aggregateOf(worker);
    const expectedVersion = versions[worker] ?? 0;
    const result = await appendEvents(store, {
      organizationId: organizations[worker] ?? '?',
      actorId: 'bench',
      streams: [{ aggregateId, expectedVersion, events: [somethingHappened.create({ amount: 1, note: 'bench' })] }],
    });
    versions[worker] = result.versions[aggregateId] ?? expectedVersion + 1;
    return 1;
  };

  // The baseline writes what an append writes: a real envelope, read back from the log.
  await appendOne(0);
  const [sample] = (await redis.xRange(appendKeys.stream(partitionOf(organizations[0] ?? '?', PARTITIONS)), '-', '+', { COUNT: 1 })) ?? [];
  const payload = sample?.message.e;
  if (!payload) throw new Error('no envelope found after the first append');
  const xaddOne = async (worker: number) => {
    await redis.xAdd(xaddKeys.stream(worker % PARTITIONS), '*', { e: payload });
    return 1;
  };

  const warmUp = Math.min(2_000, sizes.BENCH_APPEND_OPS);
  await runPool(warmUp, IN_FLIGHT, APPEND_PHASE_LIMIT_MS, xaddOne);
  await runPool(warmUp, IN_FLIGHT, APPEND_PHASE_LIMIT_MS, appendOne);

  // Short slices, alternating A B B A A B…: load from other processes comes and goes within
  // seconds, and fine interleaving spreads it evenly over both sides.
  const total = sizes.BENCH_APPEND_OPS;
  const sliceOps = Math.max(IN_FLIGHT * 8, Math.ceil(total / APPEND_SLICES));
  const baseline: Measured[] = [];
  const subject: Measured[] = [];
  const spent = (runs: Measured[]) => runs.reduce((sum, m) => sum + m.ms, 0);
  const done = (runs: Measured[]) => runs.reduce((sum, m) => sum + m.count, 0);
  for (let pair = 1; done(baseline) < total || done(subject) < total; pair++) {
    if (spent(baseline) >= APPEND_PHASE_LIMIT_MS || spent(subject) >= APPEND_PHASE_LIMIT_MS) break;
    const sides: ReadonlyArray<'baseline' | 'subject'> = pair % 2 === 1 ? ['baseline', 'subject'] : ['subject', 'baseline'];
    for (const side of sides) {
      const runs = side === 'baseline' ? baseline : subject;
      const ops = Math.min(sliceOps, total - done(runs));
      if (ops > 0) runs.push(await runPool(ops, IN_FLIGHT, APPEND_PHASE_LIMIT_MS - spent(runs), side === 'baseline' ? xaddOne : appendOne));
    }
    log(
      `  slice ${String(pair).padStart(2)}  XADD ${fmt(baseline.at(-1)).padStart(7)} ops/s` +
        `   appendEvents ${fmt(subject.at(-1)).padStart(7)} ops/s   ratio ${pairRatio(subject.at(-1), baseline.at(-1))}`,
    );
  }
  return { baseline: summarise(baseline, 'median'), subject: summarise(subject, 'median'), total, payloadBytes: Buffer.byteLength(payload) };
}

// ---------------------------------------------------------------- figure 2

async function preload(redis: Redis, store: EventStore, keys: Keys, total: number) {
  const organizations = balancedOrganizations('drain', IN_FLIGHT);
  const versions = new Map<string, number>();
  const calls = organizations.map(() => 0);
  const callCount = Math.ceil(total / PRELOAD_EVENTS_PER_CALL);
  const groups = PRELOAD_AGGREGATES_PER_ORG / PRELOAD_AGGREGATES_PER_CALL;

  const m = await runPool(callCount, IN_FLIGHT, PRELOAD_LIMIT_MS, async (worker, index) => {
    const organizationId = organizations[worker] ?? '?';
    const group = (calls[worker] ?? 0) % groups;
    calls[worker] = (calls[worker] ?? 0) + 1;
    const events = Math.min(PRELOAD_EVENTS_PER_CALL, total - index * PRELOAD_EVENTS_PER_CALL);
    const streams: AppendStream[] = [];
    for (let a = 0; a * PRELOAD_EVENTS_PER_AGGREGATE < events; a++) {
      const aggregateId = `${organizationId}/item-${group * PRELOAD_AGGREGATES_PER_CALL + a}`;
      const n = Math.min(PRELOAD_EVENTS_PER_AGGREGATE, events - a * PRELOAD_EVENTS_PER_AGGREGATE);
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

/** One multi-row upsert of a whole batch, folded per row first (a statement may touch each row once). */
async function upsertBatch(tx: Tx, entries: ReadonlyArray<z.infer<typeof rawEntry>>) {
  const rows = new Map<string, { total: number; version: number }>();
  for (const e of entries) {
    const row = rows.get(e.aggregateId);
    rows.set(e.aggregateId, { total: (row?.total ?? 0) + e.data.amount, version: Math.max(row?.version ?? 0, e.aggregateVersion) });
  }
  const values = [...rows].map(([id, row]) => sql`(${id}, ${row.total}, ${row.version})`);
  await tx.execute(
    sql`insert into bench_raw_batch as t (aggregate_id, total, version) values ${sql.join(values, sql`, `)}
        on conflict (aggregate_id) do update set total = t.total + excluded.total, version = excluded.version`,
  );
}

/**
 * The baseline consumers: what a careful hand-written loop does, and nothing
 * more. `form`: one upsert per event, or the batch as one multi-row upsert.
 */
async function drainRaw(db: Db, redis: Redis, keys: Keys, group: string, form: 'row' | 'batch'): Promise<Measured> {
  for (let p = 0; p < PARTITIONS; p++) await redis.xGroupCreate(keys.stream(p), group, '0', { MKSTREAM: true });
  const consumer = 'bench-raw';
  let count = 0;
  const t0 = performance.now();
  const deadline = t0 + DRAIN_PHASE_LIMIT_MS;
  for (;;) {
    let progress = false;
    for (let p = 0; p < PARTITIONS; p++) {
      if (performance.now() >= deadline) return { count, ms: performance.now() - t0, cut: true };
      const stream = keys.stream(p);
      const reply = groupReadReply.parse(await redis.xReadGroup(group, consumer, { key: stream, id: '>' }, { COUNT: BATCH_SIZE }));
      const messages = reply?.[0]?.messages ?? [];
      const last = messages.at(-1);
      if (!last) continue;
      // A '>' read never returns an entry deleted while pending, but the type allows one.
      const entries = messages.flatMap(({ message }) => (message ? [rawEntry.parse(JSON.parse(message.e ?? ''))] : []));
      await db.transaction(async (tx) => {
        if (form === 'batch') await upsertBatch(tx, entries);
        else for (const entry of entries) await upsert(tx, 'bench_raw', entry.aggregateId, entry.data.amount, entry.aggregateVersion);
        await tx.execute(
          sql`insert into bench_raw_checkpoints (consumer, partition, last_id) values (${group}, ${p}, ${last.id})
              on conflict (consumer, partition) do update set last_id = excluded.last_id`,
        );
      });
      await redis.xAck(stream, group, messages.map((m) => m.id));
      count += messages.length;
      progress = true;
    }
    if (!progress) return { count, ms: performance.now() - t0, cut: false };
  }
}

/** Imported once the environment is set (see main). */
type LateModules = { runtime: typeof RuntimeModule; catalogue: typeof CatalogueModule };

/** The bench's read model: the same upsert per event as the raw loop. */
function benchProjector(name: string): Projector {
  return defineProjector({
    name,
    events: [somethingHappened],
    handlers: {
      'bench.something-happened': (event, tx) => upsert(tx, 'bench_projected', event.aggregateId, event.data.amount, event.aggregateVersion),
    },
  });
}

async function drainRuntime(modules: LateModules, deps: { db: Db; redis: Redis; keys: Keys; logger: Logger }, projector: Projector): Promise<Measured> {
  const catalogue = modules.catalogue.createCatalogue([somethingHappened]);
  const runtime = modules.runtime.createProjectorRuntime({
    ...deps,
    catalogue,
    projectors: [projector],
    partitions: PARTITIONS,
    workerId: `${projector.name}-worker`,
    batchSize: BATCH_SIZE,
  });
  let count = 0;
  const t0 = performance.now();
  const deadline = t0 + DRAIN_PHASE_LIMIT_MS;
  try {
    for (;;) {
      const left = deadline - performance.now();
      if (left <= 0) return { count, ms: performance.now() - t0, cut: true };
      const { events } = await runtime.drain({ maxMs: left, maxEvents: Number.MAX_SAFE_INTEGER });
      count += events;
      if (events === 0) return { count, ms: performance.now() - t0, cut: false };
    }
  } finally {
    await runtime.releaseAll();
  }
}

async function benchDrain(
  modules: LateModules,
  deps: { db: Db; redis: Redis; keys: Keys; logger: Logger; store: EventStore },
  log: (line: string) => void,
) {
  const { db, redis, keys, logger, store } = deps;
  await createTables(db);
  log(`  preloading ${fmt(sizes.BENCH_DRAIN_EVENTS)} events with appendEvents (${PRELOAD_EVENTS_PER_CALL} per call, ${IN_FLIGHT} in flight)…`);
  const loaded = await preload(redis, store, keys, sizes.BENCH_DRAIN_EVENTS);
  log(`  preloaded ${fmt(loaded.inStreams)} events in ${(loaded.ms / 1000).toFixed(1)} s (${fmt(rate(loaded))} ev/s)${cutNote(loaded)}`);

  type Side = 'perRow' | 'batch' | 'subject';
  const runs: Record<Side, Measured[]> = { perRow: [], batch: [], subject: [] };
  for (let round = 1; round <= DRAIN_ROUNDS; round++) {
    await db.execute(sql.raw('truncate bench_raw, bench_raw_batch, bench_projected'));
    const order: ReadonlyArray<Side> = ['batch', 'perRow', 'subject'];
    for (const side of round % 2 === 1 ? order : [...order].reverse()) {
      // Fresh consumer groups each round, so every side reads every event again from the start.
      const m =
        side === 'subject'
          ? await drainRuntime(modules, { db, redis, keys, logger }, benchProjector(`bench-projected-${round}`))
          : await drainRaw(db, redis, keys, `bench-${side}-${round}`, side === 'batch' ? 'batch' : 'row');
      runs[side].push(m);
    }
    const tables = await Promise.all((['bench_raw', 'bench_raw_batch', 'bench_projected'] as const).map((t) => tableSummary(db, t)));
    const complete = Object.values(runs).every((r) => r.at(-1)?.count === loaded.inStreams);
    const agree = tables.every((t) => JSON.stringify(t) === JSON.stringify(tables[0]));
    log(
      `  round ${round}  raw per row ${fmt(runs.perRow.at(-1))} ev/s${cutNote(runs.perRow.at(-1))}` +
        `   raw multi-row ${fmt(runs.batch.at(-1))} ev/s${cutNote(runs.batch.at(-1))}` +
        `   runtime ${fmt(runs.subject.at(-1))} ev/s${cutNote(runs.subject.at(-1))}   ratio ${pairRatio(runs.subject.at(-1), runs.batch.at(-1))}` +
        `   tables ${!complete ? 'not compared (a side was cut short)' : agree ? `agree (${tables[0]?.rows ?? '?'} rows)` : 'DIFFER'}`,
    );
    if (complete && !agree) throw new Error(`the three tables differ: ${JSON.stringify(tables)}`);
  }
  // The app's archive projector over the same events (a copy of every event into event_log): a real projector's rate.
  await db.execute(sql.raw('truncate event_log'));
  const archive = await drainRuntime(modules, { db, redis, keys, logger }, { ...archiveProjector, name: 'bench-archive' });
  log(`  archive projector ${fmt(archive)} ev/s${cutNote(archive)}   ratio ${pairRatio(archive, runs.batch.at(-1))}`);
  return {
    perRow: summarise(runs.perRow, 'best'),
    baseline: summarise(runs.batch, 'best'),
    subject: summarise(runs.subject, 'best'),
    archive: summarise([archive], 'best'),
    events: loaded.inStreams,
  };
}

// ---------------------------------------------------------------- report

/** One side's figure: the rate that counts, how much work it covers, and whether a time limit cut it. */
interface Summary {
  rate: number;
  count: number;
  cut: boolean;
}

function summarise(runs: Measured[], how: 'median' | 'best'): Summary {
  const rates = runs.map(rate).sort((a, b) => a - b);
  const mid = Math.floor(rates.length / 2);
  const median = rates.length % 2 === 1 ? (rates[mid] ?? 0) : ((rates[mid - 1] ?? 0) + (rates[mid] ?? 0)) / 2;
  return {
    rate: how === 'best' ? (rates.at(-1) ?? 0) : median,
    count: runs.reduce((sum, m) => sum + m.count, 0),
    cut: runs.some((m) => m.cut),
  };
}

function fmt(n: number | Measured | undefined): string {
  const value = typeof n === 'number' ? n : n ? rate(n) : 0;
  return Math.round(value).toLocaleString('en-US');
}

function cutNote(m: Measured | undefined): string {
  return m?.cut ? ` (cut at ${fmt(m.count)} after ${(m.ms / 1000).toFixed(0)} s)` : '';
}

function pairRatio(subject: Measured | undefined, baseline: Measured | undefined): string {
  return subject && baseline && rate(baseline) > 0 ? (rate(subject) / rate(baseline)).toFixed(2) : '-';
}

function ratioLine(subject: Summary, baseline: Summary, target: number) {
  const ratio = baseline.rate > 0 ? subject.rate / baseline.rate : 0;
  const met = ratio >= target;
  return { met, text: `ratio ${ratio.toFixed(2)}  (target >= ${target})${met ? '' : '  ✖ BELOW TARGET'}` };
}

async function serverVersions(redis: Redis, db: Db) {
  const info = await redis.info('server');
  const redisVersion = /redis_version:([^\r\n]+)/.exec(info)?.[1] ?? '?';
  const rows = z.array(z.object({ server_version: z.string() })).parse(await db.execute(sql.raw('show server_version')));
  return { redis: redisVersion, postgres: rows[0]?.server_version ?? '?' };
}

// ---------------------------------------------------------------- main

runMain(async () => {
  const log = (line: string) => console.log(line);
  const root = await mkdtemp(path.join(os.tmpdir(), 'streamline-bench-'));
  await chmod(root, 0o755); // Postgres runs as its own user when we are root; it must reach its directory.
  let redisServer: LocalRedis | undefined;
  let postgresServer: LocalPostgres | undefined;
  let redis: Redis | undefined;
  let db: Db | undefined;
  let cleanedUp = false;
  // On Ctrl-C or SIGTERM the process exits without reaching `finally`: stop both servers
  // and remove the directory here, synchronously.
  process.on('exit', () => {
    if (cleanedUp) return;
    for (const pid of [redisServer?.pid(), postgresServer?.pid()]) {
      try {
        if (pid) process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(root, { recursive: true, force: true });
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  // Postgres going away can make a client throw outside any promise;
  // route such errors here so the servers are stopped and the directory removed all the same.
  let crash: (error: unknown) => void = () => undefined;
  const crashed = new Promise<never>((_, reject) => (crash = reject));
  process.on('uncaughtException', (error) => crash(error));
  process.on('unhandledRejection', (error) => crash(error));

  const run = async () => {
    log('starting Redis and PostgreSQL…');
    const started = await Promise.allSettled([
      startLocalRedis({ dir: path.join(root, 'redis') }),
      startLocalPostgres({ dir: path.join(root, 'postgres'), persistent: false, fast: true }),
    ]);
    if (started[0].status === 'fulfilled') redisServer = started[0].value;
    if (started[1].status === 'fulfilled') postgresServer = started[1].value;
    if (started[0].status === 'rejected') throw started[0].reason;
    if (started[1].status === 'rejected') throw started[1].reason;
    if (!redisServer || !postgresServer) throw new Error('servers did not start');

    await postgresServer.ensureDatabase('bench');
    const databaseUrl = postgresServer.url('bench');
    await runMigrations(databaseUrl);

    const modules = {
      catalogue: await import('../src/server/events/catalogue'),
      runtime: await import('../src/server/projectors/runtime'),
    };

    const logger = pino({ level: 'silent' });
    redis = createRedis({ url: redisServer.url, logger, name: 'bench' });
    await redis.connect();
    db = createDb({ url: databaseUrl, max: DB_POOL });
    const catalogue = modules.catalogue.createCatalogue([somethingHappened]);
    const versions = await serverVersions(redis, db);
    const durability = (await probeDurability(redis)).class;

    log(
      `machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim() ?? '?'}), load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, ` +
        `Node ${process.version}, Redis ${versions.redis} (durability: ${durability}), PostgreSQL ${versions.postgres} (fsync off)`,
    );

    log(
      `\nappend: ${fmt(sizes.BENCH_APPEND_OPS)} ops per side in ${APPEND_SLICES} interleaved slices, ` +
        `${IN_FLIGHT} in flight, ${PARTITIONS} partitions`,
    );
    const appendKeys = createKeys('bench-append');
    const append = await benchAppend(
      redis,
      appendKeys,
      createKeys('bench-xadd'),
      { redis, keys: appendKeys, catalogue, partitions: PARTITIONS },
      log,
    );

    log(`\ndrain: batch ${BATCH_SIZE}, pool ${DB_POOL} connections, ${DRAIN_ROUNDS} rounds`);
    const drainKeys = createKeys('bench-drain');
    const drain = await benchDrain(
      modules,
      { db, redis, keys: drainKeys, logger, store: { redis, keys: drainKeys, catalogue, partitions: PARTITIONS } },
      log,
    );

    const appendRatio = ratioLine(append.subject, append.baseline, TARGET_APPEND);
    const drainRatio = ratioLine(drain.subject, drain.baseline, TARGET_DRAIN);
    const label = (text: string) => text.padEnd(40);
    const value = (m: Summary, unit: 'ops/s' | 'ev/s') => `${fmt(m.rate).padStart(8)} ${unit.padEnd(5)}`;
    log(
      `\nappend: median slice per side, envelope ${append.payloadBytes} bytes` +
        `${append.baseline.cut || append.subject.cut ? ` (time limit hit: ${fmt(append.baseline.count)} / ${fmt(append.subject.count)} ops)` : ''}; ` +
        `drain: best run per side, ${fmt(drain.events)} events${drain.baseline.cut || drain.subject.cut ? ' (time limit hit)' : ''}`,
    );
    log(`${label(`append  baseline XADD x${IN_FLIGHT} in flight`)}${value(append.baseline, 'ops/s').trimEnd()}`);
    log(`${label(`append  appendEvents x${IN_FLIGHT} in flight`)}${value(append.subject, 'ops/s')}   ${appendRatio.text}`);
    log(`${label('drain   raw, multi-row upsert per batch')}${value(drain.baseline, 'ev/s').trimEnd()}`);
    log(`${label('drain   raw, one upsert per event')}${value(drain.perRow, 'ev/s')}   ${(drain.perRow.rate / Math.max(1, drain.baseline.rate)).toFixed(2)}x`);
    log(`${label('drain   projector runtime')}${value(drain.subject, 'ev/s')}   ${drainRatio.text}`);
    log(`${label('drain   archive projector (the app\'s)')}${value(drain.archive, 'ev/s')}   ${(drain.archive.rate / Math.max(1, drain.baseline.rate)).toFixed(2)}x`);
    const missed = [!appendRatio.met && 'append', !drainRatio.met && 'drain'].filter(Boolean);
    log(missed.length > 0 ? `\n✖ target missed: ${missed.join(', ')}` : '\n✔ both targets met');
  };

  try {
    await Promise.race([run(), crashed]);
  } finally {
    redis?.destroy();
    await db?.$client.end({ timeout: 5 });
    await Promise.allSettled([redisServer?.stop(), postgresServer?.stop()]);
    await rm(root, { recursive: true, force: true });
    cleanedUp = true;
  }
});
