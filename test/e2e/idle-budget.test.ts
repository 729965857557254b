/**
 * What an idle deployment costs in Redis commands, counted by Redis itself
 * (`INFO commandstats`, commands run inside scripts included) over one
 * minute: (a) one app instance (`next start`, no worker) with one signed-in
 * page open on a live board, and (b) one idle `npm run worker`. Each runs
 * against a Redis server of its own, so nothing else is counted. Managed
 * Redis plans bill per command; the README quotes these figures.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from 'redis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startLocalRedis, type LocalRedis } from '../../scripts/lib/local-redis';
import { startAppServer, type AppServer } from '../../scripts/lib/app-server';
import { openNewBoard, sharedBrowser } from '../support/browser';
import { eventually } from '../support/log-capture';
import { startWorkerProcess, stopGracefully, type WorkerProcess } from '../support/processes';
import { createDatabaseFromTemplate } from '../support/services';

const WINDOW_MS = 60_000;
const PAGE_BUDGET_PER_MINUTE = 5;
const WORKER_BUDGET_PER_MINUTE = 60;
/** The measurement's own commands, never the app's. */
const OWN = new Set(['info', 'config']);

const browser = sharedBrowser();
const root = mkdtempSync(path.join(tmpdir(), 'streamline-idle-'));
const cleanup: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
  rmSync(root, { recursive: true, force: true });
});

async function redisOfItsOwn(name: string) {
  const server: LocalRedis = await startLocalRedis({ dir: path.join(root, name) });
  cleanup.push(() => server.stop());
  const client = createClient({ url: server.url });
  await client.connect();
  cleanup.push(() => client.close());
  return { server, client };
}

/** Every command Redis ran since the last `CONFIG RESETSTAT`, by name, the measurement's own left out. */
async function commandsSinceReset(client: { info: (section: string) => Promise<string> }): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const match of (await client.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    const [, name = '', calls = '0'] = match;
    if (!OWN.has(name.split('|')[0] ?? name)) counts[name] = Number(calls);
  }
  return counts;
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((n, c) => n + c, 0);

async function environment(name: string, redisUrl: string) {
  const databaseUrl = await createDatabaseFromTemplate(inject('postgresServerUrl'), `idle_${name}_${randomBytes(3).toString('hex')}`);
  return {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: `idle-${name}`,
    AUTH_SECRET: randomBytes(32).toString('base64url'),
    AUTH_TRUST_HOST: 'true',
    AUTH_DEV_SIGNIN: 'true',
    AUTH_DEV_SIGNIN_IN_PRODUCTION_LETS_ANYONE_SIGN_IN_AS_ANYONE: 'true', // production build, loopback only
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
  };
}

describe('idle cost in Redis commands', () => {
  it(`stays within ${PAGE_BUDGET_PER_MINUTE}/min for an instance with one idle live page and ${WORKER_BUDGET_PER_MINUTE}/min for an idle worker`, async () => {
    const web = await redisOfItsOwn('web');
    const work = await redisOfItsOwn('worker');

    // (a) One instance, one page on a live board; no worker, so the page's own commands settle through drains.
    const app: AppServer = await startAppServer(await environment('web', web.server.url), { output: 'ignore' });
    cleanup.push(() => app.stop());
    const context = await browser.newContext();
    cleanup.push(() => context.close());
    const page = await context.newPage();
    await openNewBoard(page, app.url, { email: `idle-${randomBytes(3).toString('hex')}@example.com`, organization: 'Idle', project: 'Quiet' });
    await page.getByLabel('New task in To do').fill('Nothing happens after this');
    await page.getByLabel('New task in To do').press('Enter');
    await page.getByTestId('live-indicator').getByText('Live').waitFor({ timeout: 20_000 });

    // (b) One worker that has drained what it found and has nothing more to do.
    const workerEnv = await environment('worker', work.server.url);
    const worker: WorkerProcess = startWorkerProcess('scripts/worker.ts', workerEnv);
    cleanup.push(() => stopGracefully(worker));
    await eventually(() => (worker.output().match(/lease acquired/g) ?? []).length >= 4, 60_000, 'the worker holding every partition');

    // Let start-up and the page's after-response drains finish, then count one quiet minute.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    await Promise.all([web.client.configResetStat(), work.client.configResetStat()]);
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
    const [pageCounts, workerCounts] = await Promise.all([commandsSinceReset(web.client), commandsSinceReset(work.client)]);
    const perMinute = (counts: Record<string, number>) => Math.round((total(counts) * 60_000) / WINDOW_MS);
    console.log(`idle commands per minute: page ${perMinute(pageCounts)} ${JSON.stringify(pageCounts)}; worker ${perMinute(workerCounts)} ${JSON.stringify(workerCounts)}`);

    // The page really was live: its process held a blocking read on the organization's notices.
    expect(pageCounts.xread ?? 0).toBeGreaterThan(0);
    await expect(page.getByTestId('live-indicator').getByText('Live').count()).resolves.toBe(1);
    // The worker really was running and holding its partitions through the minute.
    expect(worker.child.exitCode).toBeNull();
    expect(workerCounts.xread ?? 0).toBeGreaterThan(0);
    const leases = await Promise.all([0, 1, 2, 3].map((p) => work.client.exists(`idle-worker:{p${p}}:lease`)));
    expect(leases).toEqual([1, 1, 1, 1]);

    expect(perMinute(pageCounts)).toBeLessThanOrEqual(PAGE_BUDGET_PER_MINUTE);
    expect(perMinute(workerCounts)).toBeLessThanOrEqual(WORKER_BUDGET_PER_MINUTE);
  }, 180_000);
});
