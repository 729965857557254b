/**
 * The production app as the app scenarios load it: the bench's own build
 * (`next build` into `.next-bench` with the bench-only routes of
 * src/app/api/bench/, redone only when a source changed), served by
 * `next start` on a free loopback port, and one worker (scripts/worker.ts,
 * what `npm run worker` runs), both on the bench's Redis and Postgres, in a
 * database of their own (`bench_app`) and key prefix of their own, so the
 * other scenarios' tables and keys never meet the app's.
 *
 * The server starts once the worker holds every partition, as in a steady
 * deployment. Then one user signs in over HTTP and creates an organization and a project
 * through tRPC, as the UI would. The resident memory of the server's and the
 * worker's process groups is sampled from start to stop (./usage.ts).
 *
 * The server runs as a production deployment would, except: the development
 * sign-in is on (the loud variable that allows it in production), and the
 * mutation rate limit is off (RATE_LIMIT_MUTATIONS=0), so the load measures
 * the app and not 429 answers. A health token lets the bench read projector
 * lag from /api/health, to start each measurement once the worker caught up.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { createTRPCClient, httpLink } from '@trpc/client';
import postgres from 'postgres';
import { createClient } from 'redis';
import superjson from 'superjson';
import { z } from 'zod';
import { runMigrations } from '../../src/server/db/migrate';
import type { AppRouter } from '../../src/server/app/router';
import { createKeys } from '../../src/server/redis/keys';
import { startAppServer } from '../lib/app-server';
import { signInOverHttp } from '../lib/http-session';
import { ensureNextBuild } from '../lib/next-build';
import { freePort } from '../lib/ports';
import { track, untrack } from './children';
import type { Bench } from './contract';
import { startUsageSampler, type UsageSampler } from './usage';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DATABASE = 'bench_app';
const STOP_WITHIN_MS = 10_000;
const SETTLE_WITHIN_MS = 10_000;
const CATCH_UP_WITHIN_MS = 30_000;
const LEASES_WITHIN_MS = 60_000;
/** The app's key space: the capacity scenario writes change notices straight into it. */
export const KEY_PREFIX = 'bench-app';
const PARTITIONS = 4;

export interface BenchApp {
  /** Base URL for load: 127.0.0.1, so no request waits on a name lookup. */
  url: string;
  /** Cookie header of the signed-in user's session. */
  cookie: string;
  organizationId: string;
  projectId: string;
  /** Memory (sampled every 250 ms) and CPU time of the [web server, worker] process groups. */
  usage: UsageSampler;
  /**
   * Waits (bounded) until every projector has committed everything in the log,
   * so a backlog left by one measurement never loads the next; false when the
   * bound passed first.
   */
  settle: () => Promise<boolean>;
  /** Creates one task through `tasks.create`, as the UI does; resolves with its id. */
  createTask: (title: string) => Promise<string>;
  stop: () => Promise<void>;
}

/** The part of /api/health (with the health token) that says whether projectors are caught up. */
const projectorsHealth = z.object({
  checks: z.object({
    projectors: z.object({ status: z.object({ partitions: z.array(z.object({ lag: z.number().nullable(), waitingMs: z.number() })) }) }).optional(),
  }),
});

async function caughtUp(url: string, token: string): Promise<boolean> {
  const response = await fetch(`${url}/api/health`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(5_000) }).catch(() => null);
  const body: unknown = await response?.json().catch(() => null);
  const partitions = projectorsHealth.safeParse(body).data?.checks.projectors?.status.partitions;
  return partitions !== undefined && partitions.every((p) => p.waitingMs === 0 && (p.lag ?? 0) === 0);
}

/** A database of the app's own on the bench's Postgres server, migrated, with the CRUD baseline's scratch table. */
async function appDatabase(benchDatabaseUrl: string): Promise<string> {
  const server = new URL(benchDatabaseUrl);
  server.pathname = '/postgres';
  const admin = postgres(server.toString(), { max: 1, onnotice: () => undefined });
  try {
    const exists = await admin`select 1 from pg_database where datname = ${DATABASE}`;
    if (exists.length === 0) await admin.unsafe(`create database ${DATABASE}`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = new URL(benchDatabaseUrl);
  url.pathname = `/${DATABASE}`;
  await runMigrations(url.toString());
  return url.toString();
}

/**
 * Waits (bounded) until the worker holds every partition's lease. Until then
 * a command whose partition nobody holds drains it in the web server itself,
 * and that drain may keep the lease through a steady stream of commands (the
 * worker asks again only at its next heartbeat): measurements would then
 * count the web server doing the worker's work.
 */
async function workerHoldsPartitions(redisUrl: string, workerPid: number, workerExited: () => boolean): Promise<void> {
  const keys = createKeys(KEY_PREFIX);
  const redis = createClient({ url: redisUrl });
  await redis.connect();
  try {
    const deadline = Date.now() + LEASES_WITHIN_MS;
    for (;;) {
      const holders = await Promise.all(Array.from({ length: PARTITIONS }, (_, p) => redis.get(keys.lease(p))));
      if (holders.every((holder) => holder?.startsWith(`${hostname()}-${workerPid}-`))) return;
      if (workerExited()) throw new Error('the worker exited at start; see bench-worker.log in the bench directory');
      if (Date.now() > deadline) throw new Error(`the worker did not take every partition within ${LEASES_WITHIN_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    redis.destroy();
  }
}

/** SIGTERM to process group `pid`, then SIGKILL if `done` has not come after `ms`. */
async function stopGroup(pid: number, done: Promise<void>, ms: number): Promise<void> {
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    return; // already gone
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }, ms);
  await done;
  clearTimeout(timer);
}

export async function startBenchApp(bench: Bench): Promise<BenchApp> {
  bench.progress('app', 'next build into .next-bench (skipped when up to date)');
  const built = ensureNextBuild({ distDir: '.next-bench', env: { STREAMLINE_BENCH_BUILD: '1' }, label: 'bench', quiet: true });
  bench.log(`app: bench build ${built ? 'rebuilt' : 'up to date'} (.next-bench)`);
  bench.progress('app', 'database, server and worker');
  const databaseUrl = await appDatabase(bench.databaseUrl);
  const port = await freePort();
  const healthToken = randomBytes(24).toString('base64url');
  // Addressed as localhost, as the e2e setup does (test/support/global-app.ts says why); load goes to 127.0.0.1.
  const appUrl = `http://localhost:${port}`;
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    STREAMLINE_BENCH_BUILD: '1',
    DATABASE_URL: databaseUrl,
    REDIS_URL: bench.redisUrl,
    REDIS_KEY_PREFIX: KEY_PREFIX,
    EVENT_PARTITIONS: String(PARTITIONS),
    PROJECTORS_MODE: 'worker',
    AUTH_SECRET: randomBytes(32).toString('base64url'),
    AUTH_URL: appUrl,
    AUTH_TRUST_HOST: 'true',
    AUTH_DEV_SIGNIN: 'true',
    AUTH_DEV_SIGNIN_IN_PRODUCTION_LETS_ANYONE_SIGN_IN_AS_ANYONE: 'true',
    RATE_LIMIT_MUTATIONS: '0',
    LOG_LEVEL: 'warn',
    HEALTH_TOKEN: healthToken,
  };

  const workerLog = openSync(path.join(bench.root, 'bench-worker.log'), 'a');
  const webLog = openSync(path.join(bench.root, 'bench-web.log'), 'a');
  // `npm run worker` is `tsx scripts/worker.ts`; node with tsx's loader runs the same code in one process, whose memory is the worker's alone.
  const worker = spawn(process.execPath, ['--import', 'tsx', 'scripts/worker.ts'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', workerLog, workerLog],
    env: { ...process.env, ...env },
  });
  const workerPid = worker.pid ?? 0;
  track(-workerPid);
  let workerExit: string | null = null;
  const workerGone = new Promise<void>((resolve) => worker.once('exit', (code, signal) => ((workerExit = signal ?? `code ${code}`), resolve())));
  const web = await workerHoldsPartitions(bench.redisUrl, workerPid, () => workerExit !== null)
    .then(() => startAppServer(env, { port, output: webLog }))
    .catch(async (error: unknown) => {
      await stopGroup(workerPid, workerGone, STOP_WITHIN_MS);
      throw error;
    });
  const webPid = web.pid ?? 0;
  track(-webPid);
  const usage = startUsageSampler([webPid, workerPid]);

  const stop = async () => {
    usage.stop();
    const webStopped = Promise.race([web.stop(), new Promise((resolve) => setTimeout(resolve, STOP_WITHIN_MS))]).then(() => web.kill());
    await Promise.all([webStopped, stopGroup(workerPid, workerGone, STOP_WITHIN_MS)]);
    untrack(-webPid);
    untrack(-workerPid);
    closeSync(workerLog);
    closeSync(webLog);
  };
  try {
    const cookie = await signInOverHttp(appUrl, 'bench@example.com');
    const trpc = createTRPCClient<AppRouter>({ links: [httpLink({ url: `${appUrl}/api/trpc`, transformer: superjson, headers: { cookie } })] });
    const organization = await trpc.organizations.create.mutate({ name: 'Bench', slug: `bench-${randomBytes(4).toString('hex')}` });
    const project = await trpc.tasks.createProject.mutate({ organizationId: organization.id, name: 'Bench' });
    // The CRUD baseline reads membership and the project from the read models: wait until they have both.
    const deadline = Date.now() + SETTLE_WITHIN_MS;
    while (!(await trpc.tasks.projects.query({ organizationId: organization.id })).some((p) => p.id === project.id)) {
      if (Date.now() > deadline) throw new Error('the read models did not show the bench project in time; is the worker running?');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const url = `http://127.0.0.1:${port}`;
    const settle = async () => {
      const deadline = Date.now() + CATCH_UP_WITHIN_MS;
      while (!(await caughtUp(url, healthToken))) {
        if (Date.now() > deadline) return false;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return true;
    };
    const createTask = async (title: string) => {
      const placement = { status: 'todo' as const, after: null, before: null };
      return (await trpc.tasks.create.mutate({ organizationId: organization.id, projectId: project.id, title, placement })).id;
    };
    return { url, cookie, organizationId: organization.id, projectId: project.id, usage, settle, createTask, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
