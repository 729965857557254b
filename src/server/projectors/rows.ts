/**
 * Row sets: the tables of a row projector (./define-projector.ts,
 * `defineRowProjector`), read and written a batch at a time. Before a batch,
 * each set loads the rows its events' aggregates have, in one query; handlers
 * then read and change rows in memory, in log order; after the batch, each
 * set writes what changed in one statement (~/server/db/bulk-insert.ts). A
 * batch of 500 events costs a handful of statements instead of one or more
 * per event.
 *
 * Three kinds, each a plain Drizzle table:
 * - `aggregateRows(table, 'key')`: at most one row per aggregate, its `key`
 *   column holding the aggregate id (`get`, `insert`, `update`, `put`);
 * - `appendRows(table)`: rows only ever added (`add`), a repeat of a key is
 *   ignored (`on conflict do nothing`);
 * - `counterRows(table, 'count')`: numbers added to per key (`add`), the key
 *   being the table's primary key and `count` its one other column.
 *
 * Edit it to add a kind of row set (e.g. rows deleted by events).
 */
import { inArray, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { bulkTable, insertMany, type BulkTable } from '~/server/db/bulk-insert';
import type { Tx } from './define-projector';

/** One table's rows for one batch: what handlers use, and how the changes get written. */
export interface OpenRows<Access> {
  access: Access;
  flush: (tx: Tx) => Promise<void>;
}

/** A row set as a projector declares it; the runtime opens it once per batch. */
export interface RowSet<Access> {
  readonly table: string;
  open: (tx: Tx, aggregateIds: ReadonlyArray<string>) => Promise<OpenRows<Access>>;
}

export interface AggregateRows<Row> {
  /** The aggregate's row as left by the events before this one, if any. */
  get(aggregateId: string): Row | undefined;
  /** Adds the row unless its aggregate has one already. */
  insert(row: Row): void;
  /** Changes columns of the aggregate's row; nothing when it has none. */
  update(aggregateId: string, change: Partial<Row>): void;
  /** Adds the row or replaces the aggregate's row with it. */
  put(row: Row): void;
}

export interface AppendRows<Row> {
  /** Adds the row; a row whose key exists already is ignored. */
  add(row: Row): void;
}

export interface CounterRows<Key> {
  /** Adds `delta` to the key's count (a missing row starts at 0). */
  add(key: Key, delta: number): void;
}

type Values = Record<string, unknown>;

function shapeOf(table: PgTable): BulkTable {
  const shape = bulkTable(table);
  if (shape.primaryKey.length === 0) throw new Error(`Table ${shape.name} needs a primary key to be a row set.`);
  return shape;
}

function column(shape: BulkTable, key: string): PgColumn {
  const found = shape.columns.find(([name]) => name === key)?.[1];
  if (!found) throw new Error(`${shape.name} has no column ${key}.`);
  return found;
}

const conflictTarget = (shape: BulkTable) =>
  sql.join(
    shape.primaryKey.map((c) => sql.identifier(c.name)),
    sql`, `,
  );

const excluded = (c: PgColumn) => sql`${sql.identifier(c.name)} = excluded.${sql.identifier(c.name)}`;

/** Rows keyed by an aggregate id, held in the column of property `key`. Handlers may reach only the aggregates of the batch's events. */
export function aggregateRows<T extends PgTable>(table: T, key: keyof T['$inferSelect'] & string): RowSet<AggregateRows<T['$inferSelect']>> {
  const shape = shapeOf(table);
  const keyColumn = column(shape, key);
  const others = shape.columns.filter(([, c]) => !shape.primaryKey.includes(c));
  const upsert = sql`on conflict (${conflictTarget(shape)}) do ${
    others.length > 0
      ? sql`update set ${sql.join(
          others.map(([, c]) => excluded(c)),
          sql`, `,
        )}`
      : sql`nothing`
  }`;
  type Row = T['$inferSelect'];
  const idOf = (row: Row): string => String(Reflect.get(row, key));

  return {
    table: shape.name,
    open: async (tx, aggregateIds) => {
      const ids = [...new Set(aggregateIds)];
      const source: PgTable = table; // the generic T would make Drizzle's select types undecidable
      const loaded: Values[] = ids.length > 0 ? await tx.select().from(source).where(inArray(keyColumn, ids)) : [];
      // Rows read from `table` have its select shape.
      const rows = new Map<string, Row>(loaded.map((row) => [String(row[key]), row as Row]));
      const known = new Set(ids);
      const changed = new Set<string>();
      const checked = (aggregateId: string) => {
        if (!known.has(aggregateId)) {
          throw new Error(`${shape.name}: aggregate ${aggregateId} is not one of this batch's; a row set reaches only the rows of the events' own aggregates.`);
        }
        return aggregateId;
      };
      const set = (row: Row) => {
        const id = checked(idOf(row));
        rows.set(id, row);
        changed.add(id);
      };
      return {
        access: {
          get: (aggregateId) => rows.get(checked(aggregateId)),
          insert: (row) => {
            if (!rows.has(checked(idOf(row)))) set(row);
          },
          update: (aggregateId, change) => {
            const row = rows.get(checked(aggregateId));
            if (row) set({ ...row, ...change });
          },
          put: set,
        },
        flush: async (flushTx) => {
          const dirty = [...changed].flatMap((id) => {
            const row = rows.get(id);
            return row ? [row] : [];
          });
          if (dirty.length > 0) await insertMany(flushTx, table, shape, dirty, upsert);
        },
      };
    },
  };
}

/** Rows only ever added, every column given (defaults do not apply); one whose primary key exists already is ignored (a replayed event adds nothing twice). */
export function appendRows<T extends PgTable>(table: T): RowSet<AppendRows<T['$inferSelect']>> {
  const shape = shapeOf(table);
  return {
    table: shape.name,
    open: async () => {
      const added: Values[] = [];
      return {
        access: { add: (row) => added.push(row) },
        flush: async (tx) => {
          if (added.length > 0) await insertMany(tx, table, shape, added, sql`on conflict do nothing`);
        },
      };
    },
  };
}

/** Counts per key: the column of property `count` is added to, every other column is the primary key. */
export function counterRows<T extends PgTable, K extends keyof T['$inferSelect'] & string>(
  table: T,
  count: K,
): RowSet<CounterRows<Omit<T['$inferSelect'], K>>> {
  const shape = shapeOf(table);
  const countColumn = column(shape, count);
  if (shape.columns.length !== shape.primaryKey.length + 1 || shape.primaryKey.includes(countColumn)) {
    throw new Error(`${shape.name}: a counter table has its primary key and one count column, nothing else.`);
  }
  const addUp = sql`on conflict (${conflictTarget(shape)}) do update set ${sql.identifier(countColumn.name)} = t.${sql.identifier(countColumn.name)} + excluded.${sql.identifier(countColumn.name)}`;
  const keyNames = shape.columns.map(([name]) => name).filter((name) => name !== count);

  return {
    table: shape.name,
    open: async () => {
      const totals = new Map<string, Values>();
      return {
        access: {
          add: (keyValues, delta) => {
            const values: Values = { ...keyValues };
            const id = JSON.stringify(keyNames.map((name) => values[name]));
            const row = totals.get(id) ?? { ...values, [count]: 0 };
            row[count] = Number(row[count]) + delta;
            totals.set(id, row);
          },
        },
        flush: async (tx) => {
          if (totals.size > 0) await insertMany(tx, table, shape, [...totals.values()], addUp);
        },
      };
    },
  };
}
