/**
 * Runs the built app (`next start`, production mode) as a child process on a
 * free loopback port, with the environment a test gives it, and waits until
 * it answers its health check. The e2e global setup starts the shared app
 * with it; tests that need an app of their own (another Redis, another
 * projectors mode) start one too.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../../scripts/lib/ports';
import { eventually } from './log-capture';

const ROOT = path.resolve(import.meta.dirname, '../..');
const NEXT = path.join(ROOT, 'node_modules', '.bin', 'next');

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

/** Starts `next start` on the existing build; `env` comes on top of this process's environment. */
export async function startAppServer(env: Record<string, string>, opts: { port?: number; output?: 'inherit' | 'ignore' } = {}): Promise<AppServer> {
  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(NEXT, ['start', '--port', String(port), '--hostname', '127.0.0.1'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', opts.output ?? 'inherit', opts.output ?? 'inherit'],
    env: { ...process.env, NODE_ENV: 'production', AUTH_URL: url, ...env },
  });
  let exit: string | null = null;
  const gone = new Promise<void>((resolve) => child.once('exit', (code, signal) => ((exit = signal ?? `code ${code}`), resolve())));
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
    await eventually(
      async () => {
        if (exit) throw new Error(`next start exited before it was healthy (${exit})`);
        return (await fetch(`${url}/api/health`).catch(() => null))?.ok === true;
      },
      60_000,
      `app at ${url} healthy`,
    );
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}
