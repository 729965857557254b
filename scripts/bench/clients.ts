/**
 * A scenario's own connections to the bench's Redis and PostgreSQL, opened at
 * its start and closed at its end, and, for scenarios that empty or fill the
 * app's tables, a database of its own on the same server, so no scenario
 * sees another's rows or checkpoints (the app under HTTP load uses the
 * runner's database). Edit it when scenarios need another kind of connection.
 */
import pino, { type Logger } from 'pino';
import postgres from 'postgres';
import { createDb, type Db } from '../../src/server/db/client';
import { runMigrations } from '../../src/server/db/migrate';
import type { DurabilityPolicy } from '../../src/server/events/durability';
import { createRedis, type Redis } from '../../src/server/redis/client';
import type { Bench } from './contract';

/** Connections per scenario; every side of a comparison shares the same pool. */
export const DB_POOL = 4;

/**
 * Bench stores append whatever the server's persistence is: `--appendfsync
 * everysec` must measure, not be refused. The JSON records the server's real
 * durability class beside the figures.
 */
export const BENCH_DURABILITY: DurabilityPolicy = 'accept-risk';

export interface Clients {
  redis: Redis;
  db: Db;
  logger: Logger;
  close: () => Promise<void>;
}

/** The URL of database `name` on the bench's server, created and migrated on first use. */
export async function scenarioDatabase(bench: Pick<Bench, 'databaseUrl'>, name: string): Promise<string> {
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a database name: ${name}`);
  const url = new URL(bench.databaseUrl);
  url.pathname = `/${name}`;
  const admin = postgres(bench.databaseUrl, { max: 1, onnotice: () => undefined });
  try {
    const found = await admin`select 1 from pg_database where datname = ${name}`;
    if (found.length === 0) await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  await runMigrations(url.toString());
  return url.toString();
}

export async function openClients(bench: Pick<Bench, 'redisUrl' | 'databaseUrl'>, name: string): Promise<Clients> {
  const logger = pino({ level: 'silent' });
  const redis = createRedis({ url: bench.redisUrl, logger, name: `bench-${name}` });
  await redis.connect();
  const db = createDb({ url: bench.databaseUrl, max: DB_POOL });
  return {
    redis,
    db,
    logger,
    close: async () => {
      redis.destroy();
      await db.$client.end({ timeout: 5 });
    },
  };
}
