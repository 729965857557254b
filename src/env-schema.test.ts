import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from './env-schema';

const valid = {
  DATABASE_URL: 'postgres://app:secret@db.example.com:5432/app',
  REDIS_URL: 'rediss://default:secret@redis.example.com:6379',
  AUTH_SECRET: 'x'.repeat(32),
};

function errorOf(source: Record<string, string | undefined>, opts?: { buildPhase?: boolean }): EnvError {
  try {
    parseEnv(source, opts);
  } catch (error) {
    if (error instanceof EnvError) return error;
    throw error;
  }
  throw new Error('expected parseEnv to fail');
}

describe('parseEnv', () => {
  it('accepts a complete environment and fills in defaults', () => {
    const env = parseEnv(valid);
    expect(env).toMatchObject({
      NODE_ENV: 'development',
      DATABASE_DIRECT_URL: valid.DATABASE_URL,
      DATABASE_POOL_MAX: 10,
      DATABASE_PREPARE: true,
      REDIS_KEY_PREFIX: 'sl',
      AUTH_DEV_SIGNIN: true,
      LOG_FORMAT: 'pretty',
    });
  });

  it('turns development sign-in and pretty logs off in production unless asked', () => {
    expect(parseEnv({ ...valid, NODE_ENV: 'production' })).toMatchObject({ AUTH_DEV_SIGNIN: false, LOG_FORMAT: 'json' });
    expect(parseEnv({ ...valid, NODE_ENV: 'production', LOG_FORMAT: 'pretty' }).LOG_FORMAT).toBe('pretty');
  });

  describe('development sign-in on a production deployment', () => {
    const loud = { AUTH_DEV_SIGNIN_IN_PRODUCTION_LETS_ANYONE_SIGN_IN_AS_ANYONE: 'true' };
    const refusal =
      'Invalid environment: AUTH_DEV_SIGNIN is true on a production deployment, where anyone could sign in as anyone: configure email (EMAIL_SERVER or RESEND_API_KEY) or GitHub sign-in instead, or, for a private deployment only, also set AUTH_DEV_SIGNIN_IN_PRODUCTION_LETS_ANYONE_SIGN_IN_AS_ANYONE=true. See .env.example.';

    it('is refused with one line, off Vercel and on a Vercel production deployment, at start and at build', () => {
      const production = { ...valid, NODE_ENV: 'production', AUTH_DEV_SIGNIN: 'true' };
      expect(errorOf(production).message).toBe(refusal);
      expect(errorOf({ NODE_ENV: 'production', AUTH_DEV_SIGNIN: '1' }, { buildPhase: true }).message).toBe(refusal);
      const vercel = { ...production, VERCEL: '1', CRON_SECRET: 'c'.repeat(16) };
      expect(errorOf({ ...vercel, VERCEL_ENV: 'production' }).message).toBe(refusal);
      expect(errorOf({ ...vercel, VERCEL_ENV: 'production' }, { buildPhase: true }).message).toBe(refusal);
      // A Vercel process that does not say which deployment it is counts as production.
      expect(errorOf(vercel).message).toBe(refusal);
      // A loopback AUTH_URL proves nothing about who can reach the server: still refused.
      expect(errorOf({ ...production, AUTH_URL: 'http://127.0.0.1:3000' }).message).toBe(refusal);
    });

    it('is accepted with the loud variable, on previews, and outside production', () => {
      const production = { ...valid, NODE_ENV: 'production', AUTH_DEV_SIGNIN: 'true' };
      expect(parseEnv({ ...production, ...loud }).AUTH_DEV_SIGNIN).toBe(true);
      expect(parseEnv({ ...production, ...loud, VERCEL: '1', VERCEL_ENV: 'production', CRON_SECRET: 'c'.repeat(16) }).AUTH_DEV_SIGNIN).toBe(true);
      expect(parseEnv({ ...production, VERCEL: '1', VERCEL_ENV: 'preview', CRON_SECRET: 'c'.repeat(16) }).AUTH_DEV_SIGNIN).toBe(true);
      expect(parseEnv({ ...valid, NODE_ENV: 'test', AUTH_DEV_SIGNIN: 'true' }).AUTH_DEV_SIGNIN).toBe(true);
      expect(parseEnv({ ...valid, AUTH_DEV_SIGNIN: 'true' }).AUTH_DEV_SIGNIN).toBe(true);
      // Off is always fine, loud variable or not.
      expect(parseEnv({ ...valid, NODE_ENV: 'production', AUTH_DEV_SIGNIN: 'false', ...loud }).AUTH_DEV_SIGNIN).toBe(false);
    });
  });

  it('configures mail through SMTP or Resend, with a sender, never both', () => {
    const from = 'Streamline <no-reply@example.com>';
    expect(parseEnv(valid).EMAIL_PROVIDER).toBeNull();
    expect(parseEnv({ ...valid, EMAIL_SERVER: 'smtp://user:pass@smtp.example.com:587', EMAIL_FROM: from })).toMatchObject({ EMAIL_PROVIDER: 'smtp', EMAIL_FROM: from });
    expect(parseEnv({ ...valid, RESEND_API_KEY: 're_123', EMAIL_FROM: 'no-reply@example.com' }).EMAIL_PROVIDER).toBe('resend');
    expect(errorOf({ ...valid, EMAIL_SERVER: 'smtp://smtp.example.com' }).message).toBe(
      'Invalid environment: EMAIL_FROM is required with EMAIL_SERVER (the sender of every mail, e.g. "Streamline <no-reply@example.com>"). See .env.example.',
    );
    expect(errorOf({ ...valid, RESEND_API_KEY: 're_123' }).message).toContain('EMAIL_FROM is required with RESEND_API_KEY');
    expect(errorOf({ ...valid, RESEND_API_KEY: 're_123', EMAIL_SERVER: 'smtp://smtp.example.com', EMAIL_FROM: from }).message).toContain(
      'RESEND_API_KEY and EMAIL_SERVER are both set',
    );
    expect(errorOf({ ...valid, EMAIL_SERVER: 'https://smtp.example.com', EMAIL_FROM: from }).message).toContain('EMAIL_SERVER must be an smtp:// or smtps:// URL');
    expect(errorOf({ ...valid, EMAIL_SERVER: 'smtp://smtp.example.com', EMAIL_FROM: 'Streamline' }).message).toContain('EMAIL_FROM must be an address');
  });

  it('names a missing variable in one line', () => {
    const { DATABASE_URL: _omitted, ...rest } = valid;
    const error = errorOf(rest);
    expect(error.message).toBe('Invalid environment: DATABASE_URL (or POSTGRES_URL) is required but not set. See .env.example.');
  });

  it('treats an empty value as unset', () => {
    expect(errorOf({ ...valid, REDIS_URL: '' }).message).toContain('REDIS_URL (or KV_URL) is required but not set');
  });

  it('names a malformed variable and says what it must be', () => {
    expect(errorOf({ ...valid, DATABASE_URL: 'nonsense' }).message).toBe(
      'Invalid environment: DATABASE_URL must be a postgres:// or postgresql:// URL. See .env.example.',
    );
    expect(errorOf({ ...valid, REDIS_URL: 'http://localhost:6379' }).message).toContain(
      'REDIS_URL must be a redis:// or rediss:// URL',
    );
    expect(errorOf({ ...valid, AUTH_SECRET: 'short' }).message).toContain('AUTH_SECRET must be at least 32 characters');
  });

  it('requires both GitHub variables or neither', () => {
    expect(errorOf({ ...valid, AUTH_GITHUB_ID: 'id' }).message).toContain('AUTH_GITHUB_SECRET');
    expect(parseEnv({ ...valid, AUTH_GITHUB_ID: 'id', AUTH_GITHUB_SECRET: 'secret' }).AUTH_GITHUB_ID).toBe('id');
  });

  it('serves worker metrics only with a metrics token, on loopback unless told', () => {
    expect(errorOf({ ...valid, METRICS_TOKEN: 'short' }).message).toContain('METRICS_TOKEN must be at least 16 characters');
    expect(errorOf({ ...valid, WORKER_METRICS_PORT: '9464' }).message).toContain('METRICS_TOKEN is required with WORKER_METRICS_PORT');
    expect(parseEnv({ ...valid, WORKER_METRICS_PORT: '9464', METRICS_TOKEN: 'm'.repeat(16) })).toMatchObject({ WORKER_METRICS_PORT: 9464, WORKER_METRICS_HOST: '127.0.0.1' });
    expect(parseEnv(valid).WORKER_METRICS_PORT).toBeUndefined();
  });

  it('lets a build run without runtime-only variables, but not with malformed ones', () => {
    expect(parseEnv({}, { buildPhase: true }).DATABASE_URL).toMatch(/^postgres:\/\//);
    expect(errorOf({ DATABASE_URL: 'nonsense' }, { buildPhase: true }).message).toContain('DATABASE_URL');
  });

  it('reads the marketplace names when the app’s own are unset, and prefers the app’s own', () => {
    const marketplace = {
      KV_URL: 'rediss://default:secret@gusc1-able-fox-31337.upstash.io:6379',
      POSTGRES_URL: 'postgres://app:secret@pooled.example.com:5432/app',
      POSTGRES_URL_NON_POOLING: 'postgres://app:secret@direct.example.com:5432/app',
      AUTH_SECRET: valid.AUTH_SECRET,
    };
    expect(parseEnv(marketplace)).toMatchObject({
      REDIS_URL: marketplace.KV_URL,
      DATABASE_URL: marketplace.POSTGRES_URL,
      DATABASE_DIRECT_URL: marketplace.POSTGRES_URL_NON_POOLING,
    });
    expect(parseEnv({ ...marketplace, DATABASE_URL_UNPOOLED: 'postgres://neon@direct.neon.tech/app' }).DATABASE_DIRECT_URL).toBe('postgres://neon@direct.neon.tech/app');
    expect(parseEnv({ ...marketplace, REDIS_URL: valid.REDIS_URL }).REDIS_URL).toBe(valid.REDIS_URL);
  });

  it('strips URL parameters postgres.js would send to the server, and turns prepared statements off behind a transaction pooler', () => {
    const neon = 'postgresql://app:secret@ep-cool-lab-123456-pooler.us-east-2.aws.neon.tech/app?sslmode=require&channel_binding=require';
    expect(parseEnv({ ...valid, DATABASE_URL: neon })).toMatchObject({
      DATABASE_URL: 'postgresql://app:secret@ep-cool-lab-123456-pooler.us-east-2.aws.neon.tech/app?sslmode=require',
      DATABASE_PREPARE: false,
    });
    const supabase = 'postgres://postgres.abc:secret@aws-0-eu-central-1.pooler.supabase.com:6543/postgres?pgbouncer=true&supa=base-pooler.x';
    expect(parseEnv({ ...valid, DATABASE_URL: supabase })).toMatchObject({
      DATABASE_URL: 'postgres://postgres.abc:secret@aws-0-eu-central-1.pooler.supabase.com:6543/postgres',
      DATABASE_PREPARE: false,
    });
    expect(parseEnv({ ...valid, DATABASE_URL: supabase, DATABASE_PREPARE: 'true' }).DATABASE_PREPARE).toBe(true);
    expect(parseEnv({ ...valid, DATABASE_URL: `${valid.DATABASE_URL}?sslmode=verify-ca` }).DATABASE_URL).toBe(`${valid.DATABASE_URL}?sslmode=verify-full`);
  });

  it('upgrades Redis to TLS for hosts that accept nothing else, or when asked', () => {
    expect(parseEnv({ ...valid, REDIS_URL: 'redis://default:secret@able-fox-31337.upstash.io:6379' }).REDIS_URL).toBe('rediss://default:secret@able-fox-31337.upstash.io:6379');
    expect(parseEnv({ ...valid, REDIS_URL: 'redis://127.0.0.1:6379', REDIS_TLS: 'true' }).REDIS_URL).toBe('rediss://127.0.0.1:6379');
    expect(parseEnv({ ...valid, REDIS_URL: 'redis://127.0.0.1:6379' }).REDIS_URL).toBe('redis://127.0.0.1:6379');
  });

  it('on Vercel, fails the build on a missing runtime variable, naming it, and requires CRON_SECRET', () => {
    const cron = { CRON_SECRET: 'c'.repeat(16) };
    expect(errorOf({ VERCEL: '1', REDIS_URL: valid.REDIS_URL, AUTH_SECRET: valid.AUTH_SECRET, ...cron }, { buildPhase: true }).message).toBe(
      'Invalid environment: DATABASE_URL (or POSTGRES_URL) is required but not set. See .env.example.',
    );
    expect(parseEnv({ VERCEL: '1', ...valid, ...cron }, { buildPhase: true }).DATABASE_URL).toBe(valid.DATABASE_URL);
    expect(errorOf({ VERCEL: '1', ...valid }).message).toBe(
      'Invalid environment: CRON_SECRET is required on Vercel, where the cron drain replaces the worker (16+ characters). See .env.example.',
    );
  });

  it('runs projectors serverless on Vercel and with workers elsewhere, unless told; SSE responses last 270 s unless told', () => {
    const cron = { CRON_SECRET: 'c'.repeat(16) };
    expect(parseEnv(valid)).toMatchObject({ PROJECTORS_MODE: 'worker', SSE_MAX_DURATION_MS: 270_000 });
    expect(parseEnv({ VERCEL: '1', ...valid, ...cron }).PROJECTORS_MODE).toBe('serverless');
    expect(parseEnv({ VERCEL: '1', ...valid, ...cron, PROJECTORS_MODE: 'worker' }).PROJECTORS_MODE).toBe('worker');
    expect(parseEnv({ ...valid, PROJECTORS_MODE: 'serverless', SSE_MAX_DURATION_MS: '2000' })).toMatchObject({ PROJECTORS_MODE: 'serverless', SSE_MAX_DURATION_MS: 2_000 });
    expect(errorOf({ ...valid, PROJECTORS_MODE: 'lambda' }).message).toContain('PROJECTORS_MODE');
    expect(errorOf({ ...valid, SSE_MAX_DURATION_MS: '10' }).message).toContain('SSE_MAX_DURATION_MS');
  });

  it('gives each Vercel preview branch a key prefix of its own, and production the default', () => {
    expect(parseEnv({ ...valid, VERCEL_ENV: 'production', VERCEL_GIT_COMMIT_REF: 'main' }).REDIS_KEY_PREFIX).toBe('sl');
    expect(parseEnv({ ...valid, VERCEL_ENV: 'preview', VERCEL_GIT_COMMIT_REF: 'feature/Labels_v2' }).REDIS_KEY_PREFIX).toBe('sl:pv:feature-labels-v2');
    const long = (suffix: string) => parseEnv({ ...valid, VERCEL_ENV: 'preview', VERCEL_GIT_COMMIT_REF: `a-very-long-branch-name-about-${suffix}` }).REDIS_KEY_PREFIX;
    expect(long('one')).toMatch(/^sl:pv:[a-z0-9-]{1,26}$/);
    expect(long('one')).not.toBe(long('two'));
    expect(parseEnv({ ...valid, VERCEL_ENV: 'preview', REDIS_KEY_PREFIX: 'mine' }).REDIS_KEY_PREFIX).toBe('mine');
  });

  it('always fails with a single line naming a variable, whatever the junk', () => {
    const names = ['DATABASE_URL', 'REDIS_URL', 'DATABASE_POOL_MAX', 'REDIS_KEY_PREFIX', 'LOG_LEVEL'] as const;
    fc.assert(
      fc.property(
        fc.constantFrom(...names),
        fc.string({ minLength: 1 }).filter((s) => !/^(postgres(ql)?|rediss?):\/\//.test(s) && !/^\d+$/.test(s) && !/^[A-Za-z0-9:_-]{1,32}$/.test(s)),
        (name, junk) => {
          const error = errorOf({ ...valid, [name]: junk });
          expect(error.message).not.toContain('\n');
          expect(error.message).toContain(name);
        },
      ),
    );
  });
});
