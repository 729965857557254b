/**
 * Builds Drizzle database handles over postgres.js. The app uses the shared
 * one in ./index.ts; scripts and tests build their own with `createDb`.
 */
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres, { type Sql } from 'postgres';

// No schema generic: queries name their tables explicitly (no relational
// `db.query.*`), so this module need not import every feature's tables.
export type Db = PostgresJsDatabase & { $client: Sql };

export interface DbOptions {
  url: string;
  /** Pool size. */
  max?: number;
  /** Prepared statements; off behind transaction-mode poolers. */
  prepare?: boolean;
}

let statements = 0;

/** Statements sent to Postgres by this process so far, through any handle built here (for metrics and round-trip tests). */
export function statementCount(): number {
  return statements;
}

export function createDb(opts: DbOptions): Db {
  const sql = postgres(opts.url, {
    max: opts.max ?? 10,
    prepare: opts.prepare ?? true,
    connect_timeout: 5,
    idle_timeout: 30,
    onnotice: () => undefined, // "relation already exists, skipping" and friends
  });
  return drizzle(sql, {
    logger: {
      logQuery: () => {
        statements += 1;
      },
    },
  });
}
