import { readdirSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDb } from '~/server/db';
import { MIGRATIONS_FOLDER, runMigrations } from '~/server/db/migrate';
import { schemaTables } from '../support/schema-files';

const serverUrl = inject('postgresServerUrl');
/** Every table drizzle.config's schema files declare: the migrations must create exactly these. */
const SCHEMA_TABLES = await schemaTables();
const migrationFiles = readdirSync(MIGRATIONS_FOLDER).filter((f) => f.endsWith('.sql')).length;
const fileDb = createDb({ url: process.env.DATABASE_URL ?? '', max: 2 });
const admin = postgres(`${serverUrl}postgres`, { max: 1, onnotice: () => undefined });

afterAll(async () => {
  await fileDb.$client.end();
  await admin.end();
});

async function freshDatabase(): Promise<string> {
  const name = `m_${Math.random().toString(36).slice(2, 10)}`;
  await admin.unsafe(`create database "${name}"`);
  return `${serverUrl}${name}`;
}

async function tables(url: string): Promise<string[]> {
  const db = postgres(url, { max: 1 });
  try {
    const rows = await db<{ table_name: string }[]>`
      select table_name from information_schema.tables where table_schema = 'public' order by table_name`;
    return rows.map((r) => r.table_name);
  } finally {
    await db.end();
  }
}

describe('migrations', () => {
  it('give each test file its own migrated database', async () => {
    const result = await fileDb.execute<{ db: string }>(sql`select current_database() as db`);
    expect(result[0]?.db).toMatch(/^t_[0-9a-f]{10}$/);
    await expect(tables(process.env.DATABASE_URL ?? '')).resolves.toEqual([...SCHEMA_TABLES].sort());
    expect(SCHEMA_TABLES).toEqual(expect.arrayContaining(['user', 'event_log', 'projector_checkpoints', 'organizations']));
  });

  it('apply to an empty database, and a second run changes nothing', async () => {
    const url = await freshDatabase();
    await runMigrations(url);
    const once = await tables(url);
    await runMigrations(url);
    expect(await tables(url)).toEqual(once);
    expect(once).toContain('user');
  });

  it('can run concurrently (two dev servers, parallel test workers) without failing', async () => {
    const url = await freshDatabase();
    await Promise.all([runMigrations(url), runMigrations(url), runMigrations(url)]);
    const db = postgres(url, { max: 1 });
    const applied = await db`select count(*)::int as n from drizzle.__drizzle_migrations`;
    await db.end();
    expect(applied[0]?.n).toBe(migrationFiles); // each migration file recorded once
  });
});
