/**
 * The app as a hosting marketplace configures it: only the marketplace's
 * variable names (KV_URL, POSTGRES_URL, DATABASE_URL_UNPOOLED), Postgres URLs
 * carrying libpq-only parameters (Neon's `channel_binding=require`, a pooler's
 * `pgbouncer=true`), and a Redis that speaks TLS only. Real scripts run as
 * processes against real servers; each must work.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRedis, type LocalRedis } from '../../scripts/lib/local-redis';
import { runScript } from '../support/run-script';
import { makeTestCertificates } from '../support/tls';

const dir = mkdtempSync(path.join(tmpdir(), 'streamline-marketplace-'));
const certs = makeTestCertificates();
let redis: LocalRedis;

beforeAll(async () => {
  redis = await startLocalRedis({ dir, tls: certs });
});
afterAll(async () => {
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** This file's environment with the app's own URL names replaced by the marketplace's. */
function marketplaceEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
  const { DATABASE_URL, REDIS_URL: _redis, DATABASE_DIRECT_URL: _direct, ...rest } = process.env;
  const libpq = `${DATABASE_URL ?? ''}?sslmode=disable&channel_binding=require`;
  return {
    ...rest,
    POSTGRES_URL: `${libpq}&pgbouncer=true`,
    DATABASE_URL_UNPOOLED: libpq,
    // The test's own certificate authority, trusted as a provider's public one would be.
    NODE_EXTRA_CA_CERTS: certs.caFile,
    ...overrides,
  };
}

describe('marketplace configuration', () => {
  it('with KV_URL (TLS only), POSTGRES_URL and DATABASE_URL_UNPOOLED carrying libpq parameters: migrations run and the event log is read and written', { timeout: 60_000 }, async () => {
    const env = marketplaceEnv({ KV_URL: redis.url });
    expect(redis.url).toMatch(/^rediss:\/\//);

    const migrate = await runScript('scripts/migrate.ts', [], env);
    expect(migrate.stderr).toBe('');
    expect(migrate.stdout).toContain('✔ migrations applied');

    const rebuild = await runScript('scripts/events.ts', ['rebuild-state'], env);
    expect(rebuild.stderr).toBe('');
    expect(rebuild.stdout).toMatch(/✔ Rebuilt write-side state/);
    expect(rebuild.code).toBe(0);
  });

  it('a redis:// URL with REDIS_TLS=true reaches the TLS-only server; without it the script says Redis is unreachable', { timeout: 60_000 }, async () => {
    const plain = redis.url.replace(/^rediss:/, 'redis:');
    const upgraded = await runScript('scripts/events.ts', ['rebuild-state'], marketplaceEnv({ KV_URL: plain, REDIS_TLS: 'true' }));
    expect(upgraded.stderr).toBe('');
    expect(upgraded.code).toBe(0);

    const refused = await runScript('scripts/events.ts', ['rebuild-state'], marketplaceEnv({ KV_URL: plain }));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Redis at .* is unreachable/);
  });

  it('npm run vercel-build migrates a production deployment over the direct URL first, refuses a pooled one, and leaves previews alone', { timeout: 60_000 }, async () => {
    const production = await runScript('scripts/migrate-on-deploy.ts', [], marketplaceEnv({ KV_URL: redis.url, VERCEL_ENV: 'production' }));
    expect(production.stderr).toBe('');
    expect(production.stdout).toContain('✔ migrations applied');

    const { DATABASE_URL } = process.env;
    const pooled = await runScript('scripts/migrate-on-deploy.ts', [], marketplaceEnv({ KV_URL: redis.url, VERCEL_ENV: 'production', DATABASE_URL_UNPOOLED: `${DATABASE_URL ?? ''}?pgbouncer=true` }));
    expect(pooled.code).toBe(1);
    expect(pooled.stderr).toMatch(/goes through a connection pooler; migrations need the direct URL/);

    const preview = await runScript('scripts/migrate-on-deploy.ts', [], marketplaceEnv({ KV_URL: redis.url, VERCEL_ENV: 'preview' }));
    expect(preview.code).toBe(0);
    expect(preview.stdout).toContain('migrations: skipped (a preview deployment');
  });
});
