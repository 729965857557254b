/**
 * The built app served by `next start` for end-to-end tests: started on a
 * loopback port with a given environment, waited for until healthy, and
 * stopped gracefully or killed hard (SIGKILL of its whole process group, as a
 * crashed serverless instance). Also gives a test its own database, a copy of
 * the migrated template. The e2e global setup (./global-app.ts) starts the
 * shared app with it; tests that need an app of their own (another
 * PROJECTORS_MODE, a short SSE cut) start one beside it.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import postgres from 'postgres';
import { freePort } from '../../scripts/lib/ports';
import { eventually } from './log-capture';
import { TEMPLATE_DATABASE } from './services';

const ROOT = path.resolve(import.meta.dirname, '../..');
const NEXT = path.join(ROOT, 'node_modules', '.bin', 'next');

export interface NextApp {
  url: string;
  port: number;
  /** Why the server exited (signal or exit code), null while it runs. */
  exited: () => string | null;
  /** Sends `signal` to the server's whole process group. */
  signal: (signal: NodeJS.Signals) => void;
  /** SIGTERM, then waits for the exit. */
  stop: () => Promise<void>;
  /** SIGKILL, then waits for the exit: no shutdown code runs, like a crashed function. */
  kill: () => Promise<void>;
}

/** Waits until the app answers its health check; fails at once if the server process exits. */
async function waitForHealthy(url: string, exited: () => string | null, timeoutMs = 60_000) {
  await eventually(
    async () => {
      const exit = exited();
      if (exit) throw new Error(`next start exited before it was healthy (${exit})`);
      return (await fetch(`${url}/api/health`).catch(() => null))?.ok === true;
    },
    timeoutMs,
    `app at ${url} healthy`,
  );
}

/** Starts `next start` with `appEnv` on `port` (a free one by default) and waits until it is healthy. */
export async function startNextApp(appEnv: Record<string, string>, opts: { port?: number } = {}): Promise<NextApp> {
  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(NEXT, ['start', '--port', String(port), '--hostname', '127.0.0.1'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production', ...appEnv },
  });
  let exit: string | null = null;
  const done = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exit = signal ?? `code ${code}`;
      resolve();
    }),
  );
  const signal = (name: NodeJS.Signals) => {
    if (!exit && child.pid) process.kill(-child.pid, name);
  };
  const end = async (name: NodeJS.Signals) => {
    signal(name);
    await done;
  };
  const app: NextApp = { url, port, exited: () => exit, signal, stop: () => end('SIGTERM'), kill: () => end('SIGKILL') };
  try {
    await waitForHealthy(url, () => exit);
  } catch (error) {
    await app.kill();
    throw error;
  }
  return app;
}

/** A fresh database copied from the migrated template on the test Postgres server; returns its URL. */
export async function databaseFromTemplate(serverUrl: string, prefix: string): Promise<string> {
  const database = `${prefix}_${randomBytes(4).toString('hex')}`;
  const sql = postgres(`${serverUrl}postgres`, { max: 1, onnotice: () => undefined });
  try {
    await sql.unsafe(`create database "${database}" template "${TEMPLATE_DATABASE}"`);
  } finally {
    await sql.end();
  }
  return `${serverUrl}${database}`;
}
