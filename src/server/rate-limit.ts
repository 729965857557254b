/**
 * Rate limiting per user: a sliding-window log in Redis. Each allowed hit is a
 * member of a sorted set scored by the time it happened; a hit is allowed when
 * fewer than `limit` members lie within the last `windowMs`. One Lua script
 * prunes, counts and records, so concurrent requests (on any number of app
 * servers) never both take the last slot. Time is Redis's clock (`TIME`), so
 * app servers with drifting clocks share one window.
 *
 * The kernel applies `mutationRateLimiter()` to every mutation of a signed-in
 * user (src/server/api/trpc.ts); the sign-in action applies
 * `signInLinkRateLimiter()` to each address it mails a link to. Edit this file to change the algorithm; the
 * numbers come from RATE_LIMIT_MUTATIONS and RATE_LIMIT_WINDOW_MS.
 */
import { createHash, randomUUID } from 'node:crypto';
import { env } from '~/env';
import { getRedis, keys, type Redis } from '~/server/redis';
import type { Keys } from '~/server/redis/keys';

// KEYS[1] the user's window; ARGV[1] window in ms, ARGV[2] limit, ARGV[3] a unique member.
// Replies { 1, remaining } when allowed, { 0, retryAfterMs } when refused.
// A refused hit is not recorded, so a client hammering a closed window does not keep it closed.
const SLIDING_WINDOW_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return { 1, limit - count - 1 }
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local retry = tonumber(oldest[2]) + window - now
if retry < 1 then retry = 1 end
return { 0, retry }
`;
const SLIDING_WINDOW_SHA = createHash('sha1').update(SLIDING_WINDOW_SCRIPT).digest('hex');

export interface RateLimit {
  /** Hits allowed per window. */
  limit: number;
  windowMs: number;
}

export type RateLimitDecision = { allowed: true; remaining: number } | { allowed: false; retryAfterMs: number };

export interface RateLimiter {
  /** Records one hit for `subject` if the window has room; otherwise says how long until it has. */
  hit(subject: string): Promise<RateLimitDecision>;
}

export function createRateLimiter(opts: RateLimit & { redis: Redis; keys: Keys }): RateLimiter {
  if (!Number.isInteger(opts.limit) || opts.limit < 1) throw new Error(`rate limit must be a positive integer, got ${opts.limit}`);
  if (!Number.isInteger(opts.windowMs) || opts.windowMs < 1) throw new Error(`rate limit window must be a positive integer, got ${opts.windowMs}`);
  return {
    async hit(subject) {
      const args = { keys: [opts.keys.rateLimit(subject)], arguments: [String(opts.windowMs), String(opts.limit), randomUUID()] };
      let raw: unknown;
      try {
        raw = await opts.redis.evalSha(SLIDING_WINDOW_SHA, args);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        raw = await opts.redis.eval(SLIDING_WINDOW_SCRIPT, args);
      }
      return readReply(raw);
    },
  };
}

function readReply(raw: unknown): RateLimitDecision {
  if (Array.isArray(raw) && raw.length === 2 && typeof raw[1] === 'number') {
    if (raw[0] === 1) return { allowed: true, remaining: raw[1] };
    if (raw[0] === 0) return { allowed: false, retryAfterMs: raw[1] };
  }
  throw new Error(`Unexpected reply from the rate-limit script: ${JSON.stringify(raw)}`);
}

let mutations: RateLimiter | null | undefined;

/** The limiter for mutations, from the environment; null when RATE_LIMIT_MUTATIONS=0 turns it off. */
export function mutationRateLimiter(): RateLimiter | null {
  if (mutations === undefined) {
    mutations =
      env.RATE_LIMIT_MUTATIONS === 0
        ? null
        : createRateLimiter({ redis: getRedis(), keys, limit: env.RATE_LIMIT_MUTATIONS, windowMs: env.RATE_LIMIT_WINDOW_MS });
  }
  return mutations;
}

/** Sign-in links one address may be mailed per window: enough for a retry or two, too few to flood a mailbox. */
export const SIGN_IN_LINK_LIMIT: RateLimit = { limit: 5, windowMs: 15 * 60_000 };

let signInLinks: RateLimiter | undefined;

/** The limiter for sign-in links, per email address (subject `sign-in-link:<email>`). */
export function signInLinkRateLimiter(): RateLimiter {
  signInLinks ??= createRateLimiter({ redis: getRedis(), keys, ...SIGN_IN_LINK_LIMIT });
  return signInLinks;
}
