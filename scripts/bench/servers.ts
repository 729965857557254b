/**
 * The bench's own Redis (AOF on; `appendfsync always` unless told otherwise)
 * and PostgreSQL (fsync off, as in tests), in a temporary directory on
 * 127.0.0.1, migrated, and the app's environment pointed at them. Whatever
 * happens (a scenario throws, a client throws outside any promise, Ctrl-C,
 * SIGTERM) both servers are stopped and the directory removed.
 *
 * Edit it when the bench needs another server or another server setting.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runMigrations } from '../../src/server/db/migrate';
import { startLocalPostgres, type LocalPostgres } from '../lib/local-postgres';
import { startLocalRedis, type LocalRedis } from '../lib/local-redis';
import { PARTITIONS } from './measure';

export interface Servers {
  root: string;
  redisUrl: string;
  databaseUrl: string;
}

export interface ServerOptions {
  appendfsync: 'always' | 'everysec' | 'no';
}

/**
 * The environment the app's modules read when the bench imports them (and
 * that child processes it starts inherit): its servers, a key prefix of its
 * own, silent logs, and no mail provider, so the invitation mailer writes to
 * the development mailbox instead of sending anything.
 */
function pointAppAt(servers: Servers, opts: ServerOptions) {
  for (const name of ['DATABASE_DIRECT_URL', 'DATABASE_URL_UNPOOLED', 'POSTGRES_URL_NON_POOLING', 'POSTGRES_URL', 'KV_URL', 'EMAIL_SERVER', 'RESEND_API_KEY', 'EMAIL_FROM', 'VERCEL']) {
    delete process.env[name];
  }
  Object.assign(process.env, {
    DATABASE_URL: servers.databaseUrl,
    REDIS_URL: servers.redisUrl,
    REDIS_TLS: 'false',
    REDIS_KEY_PREFIX: 'bench',
    AUTH_SECRET: randomBytes(32).toString('base64url'),
    EVENT_PARTITIONS: String(PARTITIONS),
    EVENT_LOG_DURABILITY: opts.appendfsync === 'always' ? 'require' : 'accept-risk',
    LOG_LEVEL: 'silent',
  });
}

/** Starts both servers, runs `work`, and always cleans up. */
export async function withServers<T>(opts: ServerOptions, work: (servers: Servers) => Promise<T>): Promise<T> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'streamline-bench-'));
  await chmod(root, 0o755); // Postgres runs as its own user when we are root; it must reach its directory.
  let redisServer: LocalRedis | undefined;
  let postgresServer: LocalPostgres | undefined;
  let cleanedUp = false;
  // On Ctrl-C or SIGTERM the process exits without reaching `finally`: stop both servers
  // and remove the directory here, synchronously.
  const onExit = () => {
    if (cleanedUp) return;
    for (const pid of [redisServer?.pid(), postgresServer?.pid()]) {
      try {
        if (pid) process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    try {
      rmSync(root, { recursive: true, force: true });
    } catch {
      // PostgreSQL's backends outlive their SIGKILLed postmaster for a moment and may still write (ENOTEMPTY);
      // an exit handler must not throw: it would stop the ones after it (./children.ts's).
    }
  };
  process.on('exit', onExit);
  const onSignal = () => process.exit(130);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, onSignal);
  // Postgres going away can make a client throw outside any promise;
  // route such errors here so the servers are stopped and the directory removed all the same.
  let crash: (error: unknown) => void = () => undefined;
  const crashed = new Promise<never>((_, reject) => (crash = reject));
  const onCrash = (error: unknown) => crash(error);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);

  const run = async () => {
    const started = await Promise.allSettled([
      startLocalRedis({ dir: path.join(root, 'redis'), appendfsync: opts.appendfsync }),
      startLocalPostgres({ dir: path.join(root, 'postgres'), persistent: false, fast: true }),
    ]);
    if (started[0].status === 'fulfilled') redisServer = started[0].value;
    if (started[1].status === 'fulfilled') postgresServer = started[1].value;
    if (started[0].status === 'rejected') throw started[0].reason;
    if (started[1].status === 'rejected') throw started[1].reason;
    if (!redisServer || !postgresServer) throw new Error('servers did not start');

    await postgresServer.ensureDatabase('bench');
    const servers: Servers = { root, redisUrl: redisServer.url, databaseUrl: postgresServer.url('bench') };
    await runMigrations(servers.databaseUrl);
    pointAppAt(servers, opts);
    return work(servers);
  };

  try {
    return await Promise.race([run(), crashed]);
  } finally {
    await Promise.allSettled([redisServer?.stop(), postgresServer?.stop()]);
    await rm(root, { recursive: true, force: true });
    cleanedUp = true;
    process.off('exit', onExit);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.off(signal, onSignal);
  }
}
