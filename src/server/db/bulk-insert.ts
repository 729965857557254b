/**
 * `insertMany`: many rows into a Drizzle table in one short statement,
 * `insert … select … from unnest($1::text[], $2::text[], …)`, one parameter
 * per column whatever the number of rows, each cast back to its column's type.
 * Building a `values (…), (…)` list costs Drizzle and Postgres a parameter per
 * value: ten times slower at a few hundred rows. Projectors write their
 * batches with it (~/server/projectors/rows.ts, ~/server/projectors/archive.ts).
 *
 * Every value travels as text in the form Postgres reads back with a cast;
 * `textOf` knows the types read models use (text, numbers, booleans, dates,
 * timestamps, JSON, one-dimensional arrays). Edit it when a table gets a
 * column type it does not know: it throws rather than guess.
 */
import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import { getTableConfig, type PgColumn, type PgTable } from 'drizzle-orm/pg-core';

export interface BulkTable {
  name: string;
  /** Property name → column, as Drizzle maps them. */
  columns: Array<[string, PgColumn]>;
  primaryKey: PgColumn[];
}

/** The shape `insertMany` needs, worked out once per table. */
export function bulkTable(table: PgTable): BulkTable {
  const config = getTableConfig(table);
  const columns = Object.entries(getTableColumns(table));
  const composite = config.primaryKeys[0]?.columns;
  const primaryKey = composite ?? columns.filter(([, c]) => c.primary).map(([, c]) => c);
  return { name: config.name, columns, primaryKey };
}

/** Anything that runs a statement: the database or an open transaction. */
interface Executor {
  execute: (query: SQL) => PromiseLike<unknown>;
}

/**
 * Inserts `rows` (objects keyed by property name; a missing value is null,
 * so give every column its value) into `table` aliased `t`, followed by
 * `tail`, e.g. sql`on conflict do nothing`.
 */
export async function insertMany(db: Executor, table: PgTable, shape: BulkTable, rows: ReadonlyArray<Record<string, unknown>>, tail: SQL = sql``): Promise<void> {
  if (rows.length === 0) return;
  const names = shape.columns.map(([, c]) => sql.identifier(c.name));
  const arrays = shape.columns.map(([key, c]) => sql`${sql.param(rows.map((row) => textOf(row[key], c)))}::text[]`);
  const casts = shape.columns.map(([, c], i) => sql`${sql.identifier(`c${i}`)}::${sql.raw(c.getSQLType())}`);
  const aliases = shape.columns.map((_, i) => sql.identifier(`c${i}`));
  await db.execute(
    sql`insert into ${table} as t (${sql.join(names, sql`, `)})
        select ${sql.join(casts, sql`, `)} from unnest(${sql.join(arrays, sql`, `)}) as u(${sql.join(aliases, sql`, `)})
        ${tail}`,
  );
}

/** The value as the text Postgres reads back into `column`'s type, or null. */
function textOf(value: unknown, column: PgColumn): string | null {
  if (value === null || value === undefined) return null;
  if (column.columnType === 'PgJsonb' || column.columnType === 'PgJson') return JSON.stringify(value);
  if (Array.isArray(value)) return `{${value.map((item) => (item === null ? 'NULL' : `"${String(scalar(item, column)).replace(/(["\\])/g, '\\$1')}"`)).join(',')}}`;
  return scalar(value, column);
}

function scalar(value: unknown, column: PgColumn): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  throw new Error(`insertMany cannot write ${typeof value} values into ${column.name} (${column.getSQLType()}).`);
}
