/**
 * A row set (./rows.ts) of rows only ever added that may quote a person's
 * personal data: each row names the subject whose data its text quotes
 * (src/server/events/personal.ts) and the quoted value, and `erase(subject)`
 * replaces that value in the text with "Deleted user", as a rebuild after
 * the person's keys were destroyed would write it. Used by the activity feed
 * ("invited ada@example.com as member").
 */
import { inArray, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { bulkTable, insertMany } from '~/server/db/bulk-insert';
import { ERASED } from '~/server/events/personal';
import type { RowSet } from './rows';

export interface ErasableRows<Row> {
  /** Adds the row; a row whose key exists already is ignored. */
  add(row: Row): void;
  /** After the rows added so far: the personal data of `subject` quoted in any row reads as "Deleted user". */
  erase(subject: string): void;
}

type Columns<T extends PgTable> = keyof T['$inferSelect'] & string;

export function erasableRows<T extends PgTable>(table: T, columns: { subject: Columns<T>; personal: Columns<T>; text: Columns<T> }): RowSet<ErasableRows<T['$inferSelect']>> {
  const shape = bulkTable(table);
  const find = (key: string): PgColumn => {
    const found = shape.columns.find(([name]) => name === key)?.[1];
    if (!found) throw new Error(`${shape.name} has no column ${key}.`);
    return found;
  };
  const [subject, personal, text] = [find(columns.subject), find(columns.personal), find(columns.text)];
  return {
    table: shape.name,
    open: async () => {
      const added: Array<Record<string, unknown>> = [];
      const erased = new Set<string>();
      return {
        access: { add: (row) => added.push(row), erase: (s) => erased.add(s) },
        flush: async (tx) => {
          if (added.length > 0) await insertMany(tx, table, shape, added, sql`on conflict do nothing`);
          if (erased.size === 0) return;
          // Plain SQL: the generic table would make Drizzle's update types undecidable.
          await tx.execute(
            sql`update ${table} set ${sql.identifier(text.name)} = replace(${text}, ${personal}, ${ERASED}), ${sql.identifier(personal.name)} = ${ERASED} where ${inArray(subject, [...erased])}`,
          );
        },
      };
    },
  };
}
