/**
 * The tables drizzle-kit migrates, found the way it finds them: by expanding
 * drizzle.config.ts's `schema` globs and loading every matched file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { getTableName, is } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import { glob } from 'tinyglobby';
import config from '../../drizzle.config';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** Files matched by drizzle.config's `schema`, relative to the repository root. */
export async function schemaFiles(): Promise<string[]> {
  if (!('schema' in config) || config.schema === undefined) throw new Error('drizzle.config.ts has no `schema`.');
  const patterns = typeof config.schema === 'string' ? [config.schema] : config.schema;
  const files = await glob(patterns, { cwd: ROOT });
  return files.map((file) => path.normalize(file)).sort();
}

/** Names of the tables those files export. */
export async function schemaTables(): Promise<string[]> {
  const names = new Set<string>();
  for (const file of await schemaFiles()) {
    const exports: Record<string, unknown> = await import(path.join(ROOT, file));
    for (const value of Object.values(exports)) if (is(value, PgTable)) names.add(getTableName(value));
  }
  return [...names].sort();
}

/**
 * Source files under src/ that define a table, by text search, so a file no
 * glob reaches (and that nothing loads) is still seen. Tests are left out:
 * a table a test defines for itself is not part of the schema.
 */
export function filesDefiningTables(): string[] {
  const src = path.join(ROOT, 'src');
  return readdirSync(src, { recursive: true, encoding: 'utf8' })
    // Not tests, and not bench-only routes (`*.bench.ts`): the bench creates its scratch tables itself, outside migrations.
    .filter((file) => /\.tsx?$/.test(file) && !/\.(test|bench)\.tsx?$/.test(file))
    .filter((file) => /\bpgTable\s*\(/.test(readFileSync(path.join(src, file), 'utf8')))
    .map((file) => path.join('src', file))
    .sort();
}
