/**
 * The scripts as a person runs them: bad configuration ends in one clear line,
 * and `npm run dev` brings the app up and leaves nothing behind on Ctrl-C.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../scripts/lib/ports';
import { eventually } from '../support/log-capture';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const NEXT = path.join(ROOT, 'node_modules', '.bin', 'next');
const nextPort = String(await freePort());
const dataDir = mkdtempSync(path.join(tmpdir(), 'streamline-dev-'));

const goodEnv: NodeJS.ProcessEnv = {
  NODE_ENV: 'development',
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '',
  DATABASE_URL: process.env.DATABASE_URL ?? '',
  REDIS_URL: inject('redisUrl'),
  AUTH_SECRET: process.env.AUTH_SECRET ?? '',
  REDIS_KEY_PREFIX: process.env.REDIS_KEY_PREFIX ?? '',
  STREAMLINE_DATA_DIR: dataDir,
  NEXT_TELEMETRY_DISABLED: '1',
};

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface Finished {
  code: number | null;
  stderr: string;
  stdout: string;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

describe('bad configuration gives one clear line', () => {
  const cases: Array<[string, string, string[], Partial<NodeJS.ProcessEnv>, RegExp]> = [
    ['db:migrate, DATABASE_URL=nonsense', TSX, ['scripts/migrate.ts'], { DATABASE_URL: 'nonsense' },
      /^Invalid environment: DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL\. See \.env\.example\.$/],
    ['dev, DATABASE_URL=nonsense', TSX, ['scripts/dev.ts'], { DATABASE_URL: 'nonsense' },
      /^✖ Invalid environment: DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/],
    ['next start, DATABASE_URL=nonsense', NEXT, ['start', '--port', nextPort, '--hostname', '127.0.0.1'], { DATABASE_URL: 'nonsense', NODE_ENV: 'production' },
      /^Invalid environment: DATABASE_URL must be a postgres:\/\//],
    ['worker, AUTH_SECRET missing', TSX, ['scripts/worker.ts'], { AUTH_SECRET: '' },
      /^Invalid environment: AUTH_SECRET is required but not set\. See \.env\.example\.$/],
  ];

  it.each(cases)('%s', async (_name, command, args, override, expected) => {
    const result = await run(command, args, { ...goodEnv, ...override });
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(lines(result.stderr)[0]).toMatch(expected);
  });

  it('an unreachable Redis names the URL and the variable, in one line', async () => {
    const port = await freePort();
    for (const script of ['scripts/worker.ts', 'scripts/dev.ts']) {
      const result = await run(TSX, [script], { ...goodEnv, REDIS_URL: `redis://127.0.0.1:${port}` });
      expect(result.code).toBe(1);
      expect(lines(result.stderr)).toEqual([
        `✖ Redis at redis://127.0.0.1:${port} is unreachable: connect ECONNREFUSED 127.0.0.1:${port}. Check REDIS_URL.`,
      ]);
    }
  });

  it('an unreachable Postgres names the variable, in one line', async () => {
    const port = await freePort();
    const result = await run(TSX, ['scripts/migrate.ts'], {
      ...goodEnv,
      DATABASE_URL: `postgres://app:secret@127.0.0.1:${port}/app`,
    });
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(lines(result.stderr)[0]).toMatch(/^✖ PostgreSQL at postgres:\/\/app:\*\*\*@127\.0\.0\.1:\d+\/app is unreachable: .*ECONNREFUSED.*Check DATABASE_URL\.$/);
  });
});

/** Every process descending from `pid`, found through /proc. */
function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // exited while we looked
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const current = queue.shift();
    for (const [child, parent] of parents) {
      if (parent === current) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm run dev', () => {
  it('serves the app and worker, then Ctrl-C stops every process it started', { timeout: 150_000 }, async () => {
    const port = await freePort();
    // Its own process group, as in a terminal; Ctrl-C signals the whole group.
    const dev: ChildProcess = spawn(TSX, ['scripts/dev.ts'], {
      cwd: ROOT,
      env: { ...goodEnv, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    dev.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    dev.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => dev.on('exit', (code) => resolve(code)));

    try {
      const base = `http://127.0.0.1:${port}`;
      await eventually(async () => (await fetch(`${base}/api/health`).catch(() => null))?.status === 200, 120_000, 'health 200');
      const home = await fetch(base);
      expect(home.status).toBe(200);
      await expect(home.text()).resolves.toContain('Ship live, event-driven SaaS');
      expect(output).toContain(`http://localhost:${port}`);
      await eventually(() => output.includes('worker started'), 30_000, 'worker started');

      const started = descendants(dev.pid ?? -1);
      expect(started.length).toBeGreaterThan(2); // web, worker, and what they spawned
      process.kill(-(dev.pid ?? -1), 'SIGINT');
      await expect(exited).resolves.toBe(0);
      await eventually(() => started.every((pid) => !alive(pid)), 15_000, 'every child gone');
    } finally {
      // Whatever happened above, leave nothing running: ask politely, then kill the whole tree.
      if (dev.exitCode === null && dev.pid) {
        const tree = descendants(dev.pid);
        process.kill(-dev.pid, 'SIGINT');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20_000))]);
        for (const pid of [...tree, dev.pid]) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      }
    }
  });
});
