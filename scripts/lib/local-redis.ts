/**
 * Runs a real `redis-server` as a child process: for `npm run dev` when no
 * REDIS_URL is configured, and for the test harness. Always on 127.0.0.1,
 * always with the append-only file on and fsync on every write, so an
 * acknowledged write survives a crash.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import path from 'node:path';
import { freePort } from './ports';

export interface RedisTls {
  certFile: string;
  keyFile: string;
  caFile: string;
}

export interface LocalRedisOptions {
  /** Data directory (AOF files). */
  dir: string;
  /** Preferred port; a free one is picked when it is taken. */
  port?: number;
  /** Serve TLS only (`rediss://`) with these files. */
  tls?: RedisTls;
  /** Persistence; default `appendonly yes` with `appendfsync always`, as the event log needs. */
  appendonly?: boolean;
  appendfsync?: 'always' | 'everysec' | 'no';
  /** Memory limit and what Redis does at it, e.g. `{ maxmemory: '64mb', policy: 'allkeys-lru' }`; default: no limit, no eviction. */
  memory?: { maxmemory: string; policy: string };
  /** Further `redis-server` arguments, after the ones above (cluster mode: see ./local-redis-cluster.ts). */
  extraArgs?: string[];
}

export interface LocalRedis {
  url: string;
  port: number;
  pid: () => number | undefined;
  /** Graceful stop (SHUTDOWN semantics via SIGTERM), then SIGKILL after 15 s. */
  stop: () => Promise<void>;
  /** Crash: SIGKILL, no chance to flush anything. */
  kill: () => Promise<void>;
  /** Start again on the same port and data directory. */
  restart: () => Promise<void>;
}

/** How long a graceful stop may take before the server is killed. */
const STOP_TIMEOUT_MS = 15_000;

export const REDIS_INSTALL_HINT =
  'redis-server was not found on PATH. Install it (Debian/Ubuntu: sudo apt-get install -y redis-server; ' +
  'macOS: brew install redis; Docker: docker compose up -d redis) or set REDIS_URL.';

export function findOnPath(binary: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, binary);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

export async function startLocalRedis(opts: LocalRedisOptions): Promise<LocalRedis> {
  const binary = findOnPath('redis-server');
  if (!binary) throw new Error(REDIS_INSTALL_HINT);
  mkdirSync(opts.dir, { recursive: true });
  const port = await freePort(opts.port);
  const args = [
    '--bind', '127.0.0.1',
    '--dir', opts.dir,
    '--appendonly', opts.appendonly === false ? 'no' : 'yes',
    '--appendfsync', opts.appendfsync ?? 'always',
    '--save', '',
    '--daemonize', 'no',
    '--protected-mode', 'yes',
    '--loglevel', 'notice',
    ...(opts.tls
      ? ['--port', '0', '--tls-port', String(port), '--tls-cert-file', opts.tls.certFile, '--tls-key-file', opts.tls.keyFile,
         '--tls-ca-cert-file', opts.tls.caFile, '--tls-auth-clients', 'no']
      : ['--port', String(port)]),
    ...(opts.memory ? ['--maxmemory', opts.memory.maxmemory, '--maxmemory-policy', opts.memory.policy] : []),
    ...(opts.extraArgs ?? []),
  ];

  let child: ChildProcess | undefined;
  const launch = () =>
    new Promise<void>((resolve, reject) => {
      // Own process group: a terminal's Ctrl-C reaches the parent, which stops this last.
      const proc = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      child = proc;
      let output = '';
      const timer = setTimeout(() => fail(new Error('redis-server did not become ready within 15 s')), 15_000);
      const fail = (error: Error) => {
        clearTimeout(timer);
        proc.kill('SIGKILL');
        reject(new Error(`${error.message}\n${output.trim().split('\n').slice(-5).join('\n')}`));
      };
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          proc.stdout?.off('data', onData);
          proc.stdout?.resume(); // keep draining so the pipe never fills
          resolve();
        }
      };
      proc.stdout?.on('data', onData);
      proc.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      proc.once('exit', (code) => fail(new Error(`redis-server exited with code ${code} on port ${port}`)));
      proc.once('error', fail);
    });

  const waitExit = (signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      const proc = child;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return resolve();
      proc.removeAllListeners('exit');
      // A graceful stop is bounded: a node that does not finish its shutdown in time (a cluster
      // node waiting on a replica or a failed master) is killed, so no caller waits forever.
      const escalate = signal === 'SIGKILL' ? undefined : setTimeout(() => proc.kill('SIGKILL'), STOP_TIMEOUT_MS);
      proc.once('exit', () => {
        clearTimeout(escalate);
        resolve();
      });
      proc.kill(signal);
    });

  await launch();
  return {
    url: `${opts.tls ? 'rediss' : 'redis'}://127.0.0.1:${port}`,
    port,
    pid: () => child?.pid,
    stop: () => waitExit('SIGTERM'),
    kill: () => waitExit('SIGKILL'),
    restart: async () => {
      await waitExit('SIGTERM');
      await launch();
    },
  };
}
