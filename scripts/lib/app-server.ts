/**
 * Runs the built app (`next start`, production mode) as a child process on a
 * free loopback port, with the environment a caller gives it, and waits until
 * it answers its health check. The e2e global setup starts the shared app
 * with it, tests that need an app of their own (another Redis, another
 * projectors mode) start one too, and so does the bench (on its own build).
 * With `dev: true` it runs `next dev` instead (development mode, React
 * StrictMode's double effects), in its own output folder (next.config.ts).
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { keepNextEnv } from './next-build';
import { freePort } from './ports';

const ROOT = path.resolve(import.meta.dirname, '../..');
const NEXT = path.join(ROOT, 'node_modules', '.bin', 'next');
const HEALTHY_WITHIN_MS = 60_000;
/** The output folder of `next dev` here (next.config.ts picks it for STREAMLINE_E2E_DEV=1). */
const E2E_DEV_DIST_DIR = '.next-e2e-dev';
/** `next dev` compiles the health route on its first request: slower on a busy machine. */
const DEV_HEALTHY_WITHIN_MS = 240_000;

export interface AppServer {
  url: string;
  port: number;
  pid: number | undefined;
  /** Why the process ended, or null while it runs. */
  exited: () => string | null;
  /** SIGTERM to the process group; resolves once it is gone. */
  stop: () => Promise<void>;
  /** SIGKILL to the process group, as a crash would. */
  kill: () => Promise<void>;
  /** Sends `name` to the process group without waiting (SIGSTOP and SIGCONT freeze and thaw it). */
  signal: (name: NodeJS.Signals) => void;
}

/** Starts `next start` on the existing build (or `next dev`); `env` comes on top of this process's environment. */
export async function startAppServer(
  env: Record<string, string>,
  opts: {
    port?: number;
    /** Where the server's output goes: here, nowhere, or an open file. */
    output?: 'inherit' | 'ignore' | number;
    /** `next dev` in `.next-e2e-dev`, emptied first, instead of `next start`. */
    dev?: boolean;
  } = {},
): Promise<AppServer> {
  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const mode: { command: string; env: Partial<NodeJS.ProcessEnv> } = opts.dev
    ? { command: 'dev', env: { NODE_ENV: 'development', STREAMLINE_E2E_DEV: '1' } }
    : { command: 'start', env: { NODE_ENV: 'production' } };
  // `next dev` points next-env.d.ts at its own types; put it back once the server is gone.
  const restoreNextEnv = opts.dev ? keepNextEnv() : () => undefined;
  // A dev server starts from an empty output folder (see next.config.ts for why).
  if (opts.dev) rmSync(path.join(ROOT, E2E_DEV_DIST_DIR), { recursive: true, force: true });
  const child = spawn(NEXT, [mode.command, '--port', String(port), '--hostname', '127.0.0.1'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', opts.output ?? 'inherit', opts.output ?? 'inherit'],
    env: { ...process.env, ...mode.env, AUTH_URL: url, ...env },
  });
  let exit: string | null = null;
  const gone = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exit = signal ?? `code ${code}`;
      restoreNextEnv();
      resolve();
    }),
  );
  const send = (name: NodeJS.Signals) => {
    if (!exit && child.pid) process.kill(-child.pid, name);
  };
  const end = async (name: NodeJS.Signals) => {
    if (exit || !child.pid) return;
    send(name);
    await gone;
  };
  const server: AppServer = { url, port, pid: child.pid, exited: () => exit, stop: () => end('SIGTERM'), kill: () => end('SIGKILL'), signal: send };
  try {
    const within = opts.dev ? DEV_HEALTHY_WITHIN_MS : HEALTHY_WITHIN_MS;
    const deadline = Date.now() + within;
    while ((await fetch(`${url}/api/health`).catch(() => null))?.ok !== true) {
      if (exit) throw new Error(`next ${mode.command} exited before it was healthy (${exit})`);
      if (Date.now() > deadline) throw new Error(`app at ${url} not healthy within ${within} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}
