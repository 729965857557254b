/**
 * The shadow tables of a rebuild (./rebuild.ts): a schema of its own,
 * `rebuild_<projector>`, holding an empty copy of each table the projector
 * owns, built like the live one (columns, defaults, checks, primary and
 * unique keys and indexes under the same names, so later migrations find
 * them), plus empty copies of `projector_checkpoints` and `dead_letters`.
 *
 * `inShadow` runs batch transactions with `search_path` set to the shadow
 * schema first: Drizzle writes table names unqualified (our tables have no
 * schema), so the projector's own handlers, row sets, checkpoint and parking
 * all write the shadow copies, and anything else (the archive) still
 * resolves to the live schema behind it. `swapTables` then moves the shadow
 * tables into the live schema in place of the old ones, inside the caller's
 * transaction, and `dropShadow` removes what is left.
 *
 * Not copied: grants, triggers, policies, and sequences of serial columns
 * (read models use none). Edit it when a read model needs one of those.
 */
import { getTableName, sql } from 'drizzle-orm';
import type { Db } from '~/server/db/client';
import { deadLetters, projectorCheckpoints } from '~/server/db/event-core-schema';
import type { Transactor } from './apply-batch';
import type { Tx } from './define-projector';

/** Where the runtime's bookkeeping lives, copied into the shadow schema too. */
export const BOOKKEEPING = [getTableName(projectorCheckpoints), getTableName(deadLetters)];

/** A table to rebuild: its name and the schema its live copy is in. */
export interface LiveTable {
  name: string;
  schema: string;
}

type Executor = Pick<Db, 'execute'> | Pick<Tx, 'execute'>;

const qualified = (schema: string, table: string) => sql`${sql.identifier(schema)}.${sql.identifier(table)}`;
/** The table's oid, for catalog queries. */
const oidOf = (schema: string, table: string) => sql`(quote_ident(${schema}::text) || '.' || quote_ident(${table}::text))::regclass`;

/** The shadow schema of a projector (names are lower-case letters, digits and dashes; Postgres keeps 63 characters). */
export function shadowSchemaOf(projector: string): string {
  return `rebuild_${projector.replaceAll('-', '_')}`.slice(0, 63);
}

/** Where each table's live copy is, as the app's queries find it (through `search_path`). */
export async function liveTables(db: Executor, names: ReadonlyArray<string>): Promise<LiveTable[]> {
  const tables = [];
  for (const name of names) {
    const [found] = await db.execute<{ schema: string }>(
      sql`select n.nspname as schema from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.oid = to_regclass(quote_ident(${name}::text))`,
    );
    if (!found) throw new Error(`Table ${name} does not exist; run the migrations first.`);
    tables.push({ name, schema: found.schema });
  }
  return tables;
}

/** An empty copy of `table` in `shadow`: columns, defaults and checks by LIKE, keys and indexes under their own names. */
async function copyTable(tx: Tx, table: LiveTable, shadow: string): Promise<void> {
  const live = qualified(table.schema, table.name);
  const copy = qualified(shadow, table.name);
  await tx.execute(sql`create table ${copy} (like ${live} including all excluding indexes)`);
  const keys = await tx.execute<{ name: string; definition: string }>(
    sql`select conname as name, pg_get_constraintdef(oid) as definition from pg_constraint
        where conrelid = ${oidOf(table.schema, table.name)} and contype in ('p', 'u', 'x', 'f') order by contype, conname`,
  );
  for (const key of keys) await tx.execute(sql`alter table ${copy} add constraint ${sql.identifier(key.name)} ${sql.raw(key.definition)}`);
  const indexes = await tx.execute<{ definition: string; target: string; shadowTarget: string }>(
    sql`select pg_get_indexdef(i.indexrelid) as definition, format('%I.%I', ${table.schema}::text, ${table.name}::text) as target,
          format('%I.%I', ${shadow}::text, ${table.name}::text) as "shadowTarget"
        from pg_index i
        where i.indrelid = ${oidOf(table.schema, table.name)}
          and not exists (select 1 from pg_constraint k where k.conrelid = i.indrelid and k.conindid = i.indexrelid and k.contype in ('p', 'u', 'x'))`,
  );
  for (const { definition, target, shadowTarget } of indexes) {
    // pg_get_indexdef names the table schema-qualified: "CREATE INDEX name ON public.t USING …".
    const rewritten = definition.replace(` ON ${target} USING `, ` ON ${shadowTarget} USING `).replace(` ON ONLY ${target} USING `, ` ON ONLY ${shadowTarget} USING `);
    if (rewritten === definition) throw new Error(`Cannot copy an index of ${table.name}: ${definition}`);
    await tx.execute(sql.raw(rewritten));
  }
}

/**
 * A fresh shadow schema (any earlier one, left by a rebuild that died, is
 * dropped) with empty copies of `tables` and of the bookkeeping tables, and a
 * checkpoint row per partition at '0-0'.
 */
export async function createShadow(db: Db, opts: { shadow: string; tables: ReadonlyArray<LiveTable>; projector: string; partitions: number }): Promise<void> {
  const bookkeeping = await liveTables(db, BOOKKEEPING);
  await db.transaction(async (tx) => {
    await tx.execute(sql`drop schema if exists ${sql.identifier(opts.shadow)} cascade`);
    await tx.execute(sql`create schema ${sql.identifier(opts.shadow)}`);
    for (const table of opts.tables) await copyTable(tx, table, opts.shadow);
    for (const table of bookkeeping) {
      await tx.execute(sql`create table ${qualified(opts.shadow, table.name)} (like ${qualified(table.schema, table.name)} including all)`);
    }
    const rows = Array.from({ length: opts.partitions }, (_, p) => sql`(${opts.projector}, ${p})`);
    await tx.execute(sql`insert into ${qualified(opts.shadow, getTableName(projectorCheckpoints))} (projector, partition) values ${sql.join(rows, sql`, `)}`);
  });
}

export async function dropShadow(db: Executor, shadow: string): Promise<void> {
  await db.execute(sql`drop schema if exists ${sql.identifier(shadow)} cascade`);
}

/** Runs each transaction (or savepoint) of `base` with the shadow schema first in `search_path`. */
export function inShadow(base: Transactor, shadow: string): Transactor {
  return {
    transaction: (run) =>
      base.transaction(async (tx) => {
        await tx.execute(sql`select set_config('search_path', quote_ident(${shadow}::text) || ', ' || current_setting('search_path'), true)`);
        return run(tx);
      }),
  };
}

/** Statistics for the planner, so the first queries on the swapped-in tables plan well. */
export async function analyzeShadow(db: Executor, shadow: string, tables: ReadonlyArray<LiveTable>): Promise<void> {
  for (const table of tables) await db.execute(sql`analyze ${qualified(shadow, table.name)}`);
}

/**
 * Inside the caller's transaction (which holds the projector's checkpoint
 * rows): drops each live table and moves its shadow copy into its place,
 * sets the projector's live checkpoints to the shadow ones (keeping the
 * lease fences) and replaces its dead letters with the shadow's. Readers
 * wait for the commit on the tables' locks, then read the new tables.
 * Returns the projector's dead letters now.
 */
export async function swapTables(tx: Tx, opts: { shadow: string; tables: ReadonlyArray<LiveTable>; projector: string }): Promise<number> {
  const [checkpoints, letters] = await liveTables(tx, BOOKKEEPING);
  if (!checkpoints || !letters) throw new Error('The bookkeeping tables are missing.');
  for (const table of opts.tables) {
    await tx.execute(sql`drop table ${qualified(table.schema, table.name)}`);
    await tx.execute(sql`alter table ${qualified(opts.shadow, table.name)} set schema ${sql.identifier(table.schema)}`);
  }
  const liveCheckpoints = qualified(checkpoints.schema, checkpoints.name);
  await tx.execute(
    sql`update ${liveCheckpoints} as live set last_id = s.last_id, events_applied = s.events_applied, updated_at = now()
        from ${qualified(opts.shadow, checkpoints.name)} as s
        where live.projector = s.projector and live.partition = s.partition and live.projector = ${opts.projector}`,
  );
  const liveLetters = qualified(letters.schema, letters.name);
  await tx.execute(sql`delete from ${liveLetters} where projector = ${opts.projector}`);
  const moved = await tx.execute(sql`insert into ${liveLetters} select * from ${qualified(opts.shadow, letters.name)} where projector = ${opts.projector} returning 1`);
  return moved.length;
}
