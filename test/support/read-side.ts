/**
 * Whether the app's whole read side has caught up with the event log, with
 * nothing lost and nothing applied twice, checked against the real servers:
 *
 * - `projectionState`: per partition, the stream's tip and how many entries
 *   were ever added (XINFO STREAM, which trimming does not change), and per
 *   projector its checkpoint and `events_applied` (committed with its writes,
 *   so an entry applied twice counts twice); the archive's row count; dead
 *   letters; entries still pending in any consumer group.
 * - `rebuildDifferences`: every read model's tables against a rebuild from
 *   the archive (replayed in log order, inside a transaction that is rolled
 *   back), found through the read-model files drizzle migrates.
 *
 * Used by tests that run the projectors some way of their own (serverless
 * drains, cron calls) and then ask "is everything exactly where it must be?".
 */
import path from 'node:path';
import { getTableName, is, sql } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import type { Db } from '~/server/db/client';
import { deadLetters, eventLog, projectorCheckpoints } from '~/server/db/event-core-schema';
import type { AnyCatalogue } from '~/server/events/catalogue';
import type { Projector } from '~/server/projectors/define-projector';
import { replayArchive } from '~/server/projectors/replay';
import type { Redis } from '~/server/redis/client';
import type { Keys } from '~/server/redis/keys';
import { ROOT, schemaFiles } from './schema-files';

export interface ReadSide {
  db: Db;
  redis: Redis;
  keys: Keys;
  partitions: number;
  projectorNames: ReadonlyArray<string>;
}

const streamInfo = z.object({ 'last-generated-id': z.string(), 'entries-added': z.number() }).loose();
const pendingSummary = z.object({ pending: z.number() }).loose();

export interface ProjectionState {
  /** Partitions with any event: the id of the last one and how many were ever added. */
  streams: Array<{ partition: number; tip: string; added: number; archived: number }>;
  /** Projectors (or partitions) whose checkpoint is not at the tip, or whose applied count is not the number of entries. */
  behind: Array<{ projector: string; partition: number; lastId: string; tip: string; applied: number; added: number }>;
  deadLetters: number;
  /** Entries delivered to some consumer and never acknowledged, over every group. */
  pending: number;
}

/** Where every projector stands against the log. Caught up, exactly once: `behind` empty, nothing dead or pending, archive complete. */
export async function projectionState(rs: ReadSide): Promise<ProjectionState> {
  const checkpoints = await rs.db.select().from(projectorCheckpoints);
  const archived = await rs.db.execute<{ partition: number; n: number }>(sql`select ${eventLog.partition} as partition, count(*)::int as n from ${eventLog} group by 1`);
  const state: ProjectionState = { streams: [], behind: [], deadLetters: 0, pending: 0 };
  for (let partition = 0; partition < rs.partitions; partition++) {
    const key = rs.keys.stream(partition);
    if ((await rs.redis.exists(key)) === 0) continue;
    const info = streamInfo.parse(await rs.redis.xInfoStream(key));
    const tip = info['last-generated-id'];
    const added = info['entries-added'];
    if (added === 0) continue;
    state.streams.push({ partition, tip, added, archived: archived.find((r) => r.partition === partition)?.n ?? 0 });
    for (const projector of rs.projectorNames) {
      const checkpoint = checkpoints.find((c) => c.projector === projector && c.partition === partition);
      const lastId = checkpoint?.lastId ?? '0-0';
      const applied = checkpoint?.eventsApplied ?? 0;
      if (lastId !== tip || applied !== added) state.behind.push({ projector, partition, lastId, tip, applied, added });
      const summary = await rs.redis.xPending(key, projector).then((reply) => pendingSummary.parse(reply), () => ({ pending: 0 }));
      state.pending += summary.pending;
    }
  }
  const [parked] = await rs.db.execute<{ n: number }>(sql`select count(*)::int as n from ${deadLetters}`);
  state.deadLetters = parked?.n ?? 0;
  return state;
}

/** True once every projector is at the tip of every partition with every entry applied once, and the archive holds them all. */
export function caughtUp(state: ProjectionState): boolean {
  return state.behind.length === 0 && state.pending === 0 && state.streams.every((s) => s.archived === s.added);
}

/** Each read model's projector with the tables its file defines. */
async function readModels(projectorNames: ReadonlyArray<string>): Promise<Array<{ projector: Projector; tables: PgTable[] }>> {
  const models = [];
  for (const file of (await schemaFiles()).filter((f) => f.includes(`${path.sep}read-models${path.sep}`))) {
    const exports: Record<string, unknown> = await import(path.join(ROOT, file));
    const values = Object.values(exports);
    const tables = values.filter((v): v is PgTable => is(v, PgTable));
    const projector = values.find(
      (v): v is Projector => typeof v === 'object' && v !== null && 'name' in v && 'apply' in v && typeof v.name === 'string' && projectorNames.includes(v.name),
    );
    if (!projector) throw new Error(`${file} defines tables but exports no registered projector`);
    models.push({ projector, tables });
  }
  return models;
}

/** Every row of `table` as JSON text, sorted: a snapshot to compare. */
async function snapshot(tx: Parameters<Parameters<Db['transaction']>[0]>[0], table: PgTable): Promise<string[]> {
  const rows = await tx.execute<{ row: string }>(sql`select to_jsonb(t)::text as row from ${table} t`);
  return rows.map((r) => r.row).sort();
}

/** Thrown to roll a rebuild back, carrying what it saw out of the transaction. */
class Rollback extends Error {
  constructor(readonly result: { live: Record<string, string[]>; rebuilt: Record<string, string[]>; failed: number }) {
    super('rollback');
  }
}

/**
 * Rebuilds every read model from the archive alone, in a transaction that is
 * rolled back, and returns the read models whose tables differ from the live
 * ones (empty: every table equals its rebuild). Run it once the archive is
 * complete (see `caughtUp`).
 */
export async function rebuildDifferences(db: Db, catalogue: AnyCatalogue, projectorNames: ReadonlyArray<string>): Promise<Array<{ projector: string; table: string; live: number; rebuilt: number }>> {
  const differences = [];
  for (const { projector, tables } of await readModels(projectorNames)) {
    const outcome = await db
      .transaction(async (tx) => {
        const live: Record<string, string[]> = {};
        for (const table of tables) live[getTableName(table)] = await snapshot(tx, table);
        for (const table of tables) await tx.execute(sql`truncate ${table}`);
        const { failed } = await replayArchive({ tx, catalogue, projector });
        const rebuilt: Record<string, string[]> = {};
        for (const table of tables) rebuilt[getTableName(table)] = await snapshot(tx, table);
        throw new Rollback({ live, rebuilt, failed: failed.length });
      })
      .catch((error: unknown) => {
        if (!(error instanceof Rollback)) throw error;
        return error.result;
      });
    if (outcome.failed > 0) differences.push({ projector: projector.name, table: '(replay failures)', live: 0, rebuilt: outcome.failed });
    for (const table of tables.map((t) => getTableName(t))) {
      const live = outcome.live[table] ?? [];
      const rebuilt = outcome.rebuilt[table] ?? [];
      if (JSON.stringify(live) !== JSON.stringify(rebuilt)) differences.push({ projector: projector.name, table, live: live.length, rebuilt: rebuilt.length });
    }
  }
  return differences;
}
