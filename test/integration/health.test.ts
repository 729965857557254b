import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { freePort } from '../../scripts/lib/ports';
import { createDb } from '~/server/db';
import { checkHealth } from '~/server/health';
import { connectInBackground, createRedis } from '~/server/redis';
import { GET } from '~/app/api/health/route';
import { captureLogs } from '../support/log-capture';

const { logger } = captureLogs();
const db = createDb({ url: process.env.DATABASE_URL ?? '', max: 1 });
const redis = createRedis({ url: inject('redisUrl'), logger, name: 'health-test' });
connectInBackground(redis);
const deadPort = await freePort();
const deadRedis = createRedis({ url: `redis://127.0.0.1:${deadPort}`, logger, name: 'dead' });
connectInBackground(deadRedis);
const deadDb = createDb({ url: `postgres://postgres:postgres@127.0.0.1:${deadPort}/nothing`, max: 1 });

afterAll(async () => {
  redis.destroy();
  deadRedis.destroy();
  await Promise.all([db.$client.end(), deadDb.$client.end()]);
});

/** A request to /api/health, with an Authorization header when given. */
const healthRequest = (authorization?: string) => new Request('http://app.test/api/health', { headers: authorization ? { authorization } : {} });

describe('health', () => {
  it('is ok when Postgres and Redis both answer', async () => {
    const health = await checkHealth({ db, redis });
    expect(health).toMatchObject({ ok: true, checks: { postgres: { ok: true }, redis: { ok: true } } });
  });

  it('names Redis when Redis does not answer', async () => {
    const health = await checkHealth({ db, redis: deadRedis });
    expect(health.ok).toBe(false);
    expect(health.checks.postgres.ok).toBe(true);
    expect(health.checks.redis).toMatchObject({ ok: false, error: expect.any(String) });
  });

  it('names Postgres when Postgres does not answer', async () => {
    const health = await checkHealth({ db: deadDb, redis });
    expect(health.ok).toBe(false);
    expect(health.checks.redis.ok).toBe(true);
    expect(health.checks.postgres).toMatchObject({ ok: false, error: expect.stringMatching(/ECONNREFUSED|connect/i) });
  });

  it('GET /api/health answers 200 with the checks for this process; projector detail only with the health token', async () => {
    const response = await GET(healthRequest());
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = z.object({ ok: z.boolean(), checks: z.record(z.string(), z.unknown()) }).parse(await response.json());
    expect(body).toMatchObject({ ok: true, checks: { durability: { ok: true, class: 'fsync-per-write' }, layout: { ok: true, partitions: Number(process.env.EVENT_PARTITIONS ?? 4) } } });
    expect(Object.keys(body.checks).sort()).toEqual(['durability', 'layout', 'postgres', 'redis']);
    const wrong = z.object({ checks: z.record(z.string(), z.unknown()) }).parse(await (await GET(healthRequest('Bearer not-the-token'))).json());
    expect(Object.keys(wrong.checks)).not.toContain('projectors');
    const detailed = await (await GET(healthRequest(`Bearer ${process.env.HEALTH_TOKEN ?? ''}`))).json();
    expect(detailed).toMatchObject({ checks: { projectors: { ok: expect.any(Boolean), status: expect.any(Object) } } });
  });

  it('reports how projectors run; serverless, no worker heartbeat is fine and a stall points at the cron drain', async () => {
    const status = (stalled: boolean) => async () => ({
      ok: !stalled,
      stallMs: 1_000,
      workers: 0,
      deadLetters: 0,
      deadLettersByProjector: {},
      partitions: [{ projector: 'archive', partition: 0, position: '0-0', lag: stalled ? 1 : 0, pending: 0, waitingMs: stalled ? 5_000 : 0, lastProgressAt: null, stalled }],
    });
    await expect(checkHealth({ db, redis, projectors: status(false), mode: 'serverless' })).resolves.toMatchObject({
      ok: true,
      checks: { projectors: { ok: true, mode: 'serverless', status: { workers: 0 } } },
    });
    const serverless = await checkHealth({ db, redis, projectors: status(true), mode: 'serverless' });
    expect(serverless.checks.projectors).toMatchObject({ ok: false, mode: 'serverless', error: expect.stringContaining('cron drain') });
    expect(serverless.checks.projectors?.error).not.toContain('worker');
    const withWorkers = await checkHealth({ db, redis, projectors: status(true), mode: 'worker' });
    expect(withWorkers.checks.projectors).toMatchObject({ ok: false, mode: 'worker', error: expect.stringContaining('is a worker running?') });
  });

  it('turns red when this process’s EVENT_PARTITIONS is not the count the log is laid out in; a switch under way is no failure', async () => {
    const { createKeys } = await import('~/server/redis/keys');
    const { readLayoutRecord, writeLayoutRecord } = await import('~/server/events/layout');
    await redis.connect().catch(() => undefined);
    const keys = createKeys(`health-layout-${randomUUID()}`);
    const layout = (partitions: number) => ({ partitions, recorded: () => readLayoutRecord(redis, keys) });

    // A fresh key space: nothing recorded yet, the first append records the count.
    await expect(checkHealth({ db, redis, layout: layout(4) })).resolves.toMatchObject({ ok: true, checks: { layout: { ok: true, partitions: 4 } } });
    const none = await checkHealth({ db, redis, layout: layout(4) });
    expect(none.checks.layout).not.toHaveProperty('recorded');

    await writeLayoutRecord(redis, keys, { partitions: 8, epoch: 1, indexedSince: null, switching: null });
    await expect(checkHealth({ db, redis, layout: layout(8) })).resolves.toMatchObject({ ok: true, checks: { layout: { ok: true, partitions: 8, recorded: 8 } } });
    const mismatch = await checkHealth({ db, redis, layout: layout(4) });
    expect(mismatch.ok).toBe(false);
    expect(mismatch.checks.layout).toMatchObject({ ok: false, partitions: 4, recorded: 8, error: expect.stringContaining('Redeploy it with EVENT_PARTITIONS=8') });

    await writeLayoutRecord(redis, keys, { partitions: 8, epoch: 1, indexedSince: null, switching: { to: 12, phase: 'frozen', startedAt: new Date().toISOString(), cutoffs: null } });
    await expect(checkHealth({ db, redis, layout: layout(8) })).resolves.toMatchObject({ ok: true, checks: { layout: { ok: true, recorded: 8, switchingTo: 12 } } });
    await redis.del(keys.layoutRecord());
  });

  it('turns red, naming the reason, when Redis cannot promise durable appends and the app refuses them', async () => {
    const { startLocalRedis } = await import('../../scripts/lib/local-redis');
    const { durabilityOf } = await import('~/server/events/durability');
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const dir = mkdtempSync(path.join(tmpdir(), 'streamline-health-'));
    const server = await startLocalRedis({ dir, appendonly: false });
    const unsafe = createRedis({ url: server.url, logger, name: 'health-unsafe' });
    try {
      await unsafe.connect();
      const probe = (policy: 'require' | 'accept-risk') => async () => {
        const found = await durabilityOf(unsafe, policy);
        return { ...found, refused: found.class === 'unsafe' && policy !== 'accept-risk' };
      };
      const health = await checkHealth({ db, redis: unsafe, durability: probe('require') });
      expect(health.ok).toBe(false);
      expect(health.checks.durability).toMatchObject({ ok: false, class: 'unsafe', error: expect.stringMatching(/^appends refused: .*appendonly no/) });
      await expect(checkHealth({ db, redis: unsafe, durability: probe('accept-risk') })).resolves.toMatchObject({ ok: true, checks: { durability: { ok: true, class: 'unsafe' } } });
    } finally {
      unsafe.destroy();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('G13 liveness in /api/health', () => {
  it('a stopped worker turns health red (503) while appends continue, and a new worker turns it green again', { timeout: 90_000 }, async () => {
    const { env } = await import('~/env');
    const { keys } = await import('~/server/redis');
    const { appendEvents } = await import('~/server/events/append');
    const { counterIncremented, testCatalogue } = await import('../support/event-core');
    const { startWorkerProcess, killHard, stopGracefully } = await import('../support/processes');
    const { eventually } = await import('../support/log-capture');
    await redis.connect().catch(() => undefined);
    const store = { redis, keys, catalogue: testCatalogue, partitions: env.EVENT_PARTITIONS };
    let version = 0;
    const appendOne = async () => {
      await appendEvents(store, { organizationId: 'org-health', actorId: 'u', streams: [{ aggregateId: 'beat', expectedVersion: version, events: [counterIncremented.create({ by: 1, note: '' })] }] });
      version += 1;
    };
    const status = async () => {
      const response = await GET(healthRequest(`Bearer ${process.env.HEALTH_TOKEN ?? ''}`));
      const body = z
        .object({ checks: z.object({ projectors: z.object({ ok: z.boolean(), error: z.string().optional(), status: z.object({ partitions: z.array(z.object({ waitingMs: z.number() })) }).optional() }) }) })
        .parse(await response.json());
      return { code: response.status, body };
    };
    // Green because the worker caught up, not merely because nothing has waited long yet.
    const caughtUp = async () => {
      const s = await status();
      return s.code === 200 && (s.body.checks.projectors.status?.partitions ?? []).every((p) => p.waitingMs === 0);
    };
    const workerEnv = { ...process.env, LOG_LEVEL: 'warn' };

    let worker = startWorkerProcess('scripts/worker.ts', workerEnv);
    try {
      await appendOne();
      await eventually(caughtUp, 30_000, 'green with a worker');

      await killHard(worker);
      await appendOne(); // the log grows, nobody projects it
      await eventually(async () => (await status()).code === 503, 10_000, 'red without a worker');
      const red = await status();
      expect(red.body.checks.projectors).toMatchObject({ ok: false, error: expect.stringContaining('archive/p') });

      worker = startWorkerProcess('scripts/worker.ts', workerEnv);
      await eventually(caughtUp, 30_000, 'green again');
    } finally {
      await stopGracefully(worker);
    }
  });
});
