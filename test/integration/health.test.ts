import { afterAll, describe, expect, inject, it } from 'vitest';
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

  it('GET /api/health answers 200 with the checks for this process', async () => {
    const response = await GET();
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    await expect(response.json()).resolves.toMatchObject({ ok: true });
  });
});
