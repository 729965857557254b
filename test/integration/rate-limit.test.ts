/**
 * Rate limiting of mutations, against the real Redis: the limiter's sliding
 * window on its own (tiny windows built directly), and the kernel's middleware
 * through the tRPC caller with this file's own limit.
 */
import { randomUUID } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createRedis } from '~/server/redis/client';
import { createKeys } from '~/server/redis/keys';
import { captureLogs, eventually } from '../support/log-capture';

// This file's limit, set before the app's modules read the environment (hence the dynamic imports).
const LIMIT = 5;
process.env.RATE_LIMIT_MUTATIONS = String(LIMIT);
process.env.RATE_LIMIT_WINDOW_MS = '60000';
const { createCaller } = await import('~/server/app/router');
const { createContextInner } = await import('~/server/app/context');
const { db } = await import('~/server/db');
const { getRedis, keys } = await import('~/server/redis');
const { env } = await import('~/env');
const { createRateLimiter } = await import('~/server/rate-limit');
const { as } = await import('../support/callers');
const { slug } = await import('../support/fixtures');

const redis = createRedis({ url: inject('redisUrl'), logger: captureLogs().logger, name: 'rate-limit-test' });
await redis.connect();

afterAll(async () => {
  redis.destroy();
  getRedis().destroy();
  await db.$client.end({ timeout: 5 });
});

async function totalStreamLength(): Promise<number> {
  let total = 0;
  for (let p = 0; p < env.EVENT_PARTITIONS; p++) total += await redis.xLen(keys.stream(p));
  return total;
}

const ownKeys = () => createKeys(`rl-test:${randomUUID().slice(0, 8)}`);

describe('sliding-window limiter', () => {
  it('allows `limit` hits per window, then refuses with the time until a slot frees', async () => {
    const limiter = createRateLimiter({ redis, keys: ownKeys(), limit: 3, windowMs: 500 });
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await limiter.hit('ada'));
    expect(decisions.slice(0, 3)).toEqual([
      { allowed: true, remaining: 2 },
      { allowed: true, remaining: 1 },
      { allowed: true, remaining: 0 },
    ]);
    expect(decisions[3]).toMatchObject({ allowed: false });
    const refused = decisions[3];
    if (refused?.allowed !== false) throw new Error('expected a refusal');
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(500);
  });

  it('the window slides: a slot frees once the oldest hit is older than the window', async () => {
    const limiter = createRateLimiter({ redis, keys: ownKeys(), limit: 3, windowMs: 500 });
    for (let i = 0; i < 3; i++) expect((await limiter.hit('ada')).allowed).toBe(true);
    expect((await limiter.hit('ada')).allowed).toBe(false);
    // Refused hits are not recorded, so the window reopens on schedule however often the caller knocks.
    await eventually(async () => (await limiter.hit('ada')).allowed, 5_000, 'a slot to free');
  });

  it('users have separate windows', async () => {
    const limiter = createRateLimiter({ redis, keys: ownKeys(), limit: 2, windowMs: 60_000 });
    await limiter.hit('ada');
    await limiter.hit('ada');
    expect((await limiter.hit('ada')).allowed).toBe(false);
    expect(await limiter.hit('bob')).toEqual({ allowed: true, remaining: 1 });
  });

  it('concurrent hits never take more than the limit', async () => {
    const limiter = createRateLimiter({ redis, keys: ownKeys(), limit: 10, windowMs: 60_000 });
    const decisions = await Promise.all(Array.from({ length: 50 }, () => limiter.hit('ada')));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
  });

  it('the key expires with the window, leaving nothing behind', async () => {
    const k = ownKeys();
    const limiter = createRateLimiter({ redis, keys: k, limit: 3, windowMs: 300 });
    await limiter.hit('ada');
    expect(await redis.exists(k.rateLimit('ada'))).toBe(1);
    await eventually(async () => (await redis.exists(k.rateLimit('ada'))) === 0, 5_000, 'the key to expire');
  });
});

describe('mutations through the tRPC kernel', () => {
  it('past the limit a user gets TOO_MANY_REQUESTS and nothing is written; another user is unaffected', async () => {
    const ada = as('ada');
    const org = await ada.api.organizations.create({ name: 'Acme', slug: slug('acme') });
    for (let i = 1; i < LIMIT; i++) await ada.api.organizations.rename({ organizationId: org.id, name: `Acme ${i}` });

    const before = await totalStreamLength();
    const refused = await ada.api.organizations.rename({ organizationId: org.id, name: 'Too many' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TRPCError);
    expect(refused).toMatchObject({ code: 'TOO_MANY_REQUESTS', message: expect.stringMatching(/^Too many changes in a short time; try again in \d+ s\.$/) });
    await expect(ada.api.tasks.createProject({ organizationId: org.id, name: 'Nope' })).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    expect(await totalStreamLength()).toBe(before);
    expect((await ada.api.organizations.get({ organizationId: org.id })).name).toBe(`Acme ${LIMIT - 1}`);

    // Queries are not limited.
    await expect(ada.api.organizations.mine()).resolves.toHaveLength(1);

    const bob = as('bob');
    await expect(bob.api.organizations.create({ name: 'Bobs', slug: slug('bobs') })).resolves.toMatchObject({ settled: true });
    expect(await totalStreamLength()).toBeGreaterThan(before);
  });

  it('signed-out callers get UNAUTHORIZED, not a rate-limit slot', async () => {
    const anonymous = createCaller(createContextInner({ session: null }));
    await expect(anonymous.organizations.create({ name: 'X', slug: 'x-anon' })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
