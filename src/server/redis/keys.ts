/**
 * Every Redis key the app uses is built here, so the key space is visible in
 * one file. All keys start with `REDIS_KEY_PREFIX`. Keys that one atomic
 * script touches together share a Redis Cluster hash tag (`{p3}`): all keys
 * of a partition live in one slot, so the append script runs unchanged on
 * Redis Cluster and managed Redis.
 *
 * Edit this file when you add a kind of key.
 */
export type Keys = ReturnType<typeof createKeys>;

/** Hash-tag buckets of the notice streams (see `changes`); fixed, so changing EVENT_PARTITIONS moves no notice stream. */
export const NOTICE_TAGS = 16;

export function createKeys(prefix: string) {
  const partition = (p: number) => `${prefix}:{p${p}}`;
  return {
    prefix,
    /** The partition's event stream. */
    stream: (p: number) => `${partition(p)}:events`,
    /** Current version of an aggregate (absent = 0). */
    version: (p: number, aggregateId: string) => `${partition(p)}:ver:${aggregateId}`,
    /** Write-side state of an aggregate (see src/server/events/write-state.ts); written with its version. */
    state: (p: number, aggregateId: string) => `${partition(p)}:state:${aggregateId}`,
    /** Stored result of an idempotent command, per organization. */
    idempotency: (p: number, organizationId: string, key: string) => `${partition(p)}:idem:${organizationId}:${key}`,
    /** The partition's idempotency records, scored by when they expire: what a partition switch carries over, without a scan. */
    idempotencyIndex: (p: number) => `${partition(p)}:idem-index`,
    /** A unique value reserved within the partition (e.g. a member's email in an organization). */
    claim: (p: number, scope: string, value: string) => `${partition(p)}:claim:${scope}:${value}`,
    /** Which worker reads the partition now, and the fence token of that lease. */
    lease: (p: number) => `${partition(p)}:lease`,
    fence: (p: number) => `${partition(p)}:fence`,
    /**
     * The partition count this partition belongs to ("4"), or "4>7" while a
     * switch from 4 to 7 partitions freezes it; the append script checks it
     * (see src/server/events/layout.ts).
     */
    layout: (p: number) => `${partition(p)}:layout`,
    /** The recorded layout itself (count, epoch, a switch under way), read by processes and the switch; no script reads it. */
    layoutRecord: () => `${prefix}:layout`,
    /**
     * Change notices for one organization, read by live subscriptions. Tagged with one of
     * NOTICE_TAGS buckets, not the organization: on a cluster one blocking read covers every
     * watched organization of a bucket, so a web process needs at most NOTICE_TAGS readers.
     */
    changes: (organizationId: string) => `${prefix}:{n${fnv1a32(organizationId) % NOTICE_TAGS}}:changes:${organizationId}`,
    /** The identity this key space shares with its database (see src/server/events/identity.ts). */
    identity: () => `${prefix}:identity`,
    /** Recent hits of one subject (a user id, `sign-in-link:<email>`) for a rate limit (see src/server/rate-limit.ts). */
    rateLimit: (subject: string) => `${prefix}:rl:${subject}`,
    /** A mail that went out, by its idempotency key (see src/server/mail/sent-once.ts). */
    mailSent: (idempotencyKey: string) => `${prefix}:mail:sent:${idempotencyKey}`,
    /** Worker liveness: one sorted set, each running worker scored by its last heartbeat (ms), so counting them never scans the key space. */
    workers: () => `${prefix}:workers`,
  };
}

/**
 * FNV-1a, 32 bit, over the UTF-8 bytes of `text`: a stable, fast, well-spread
 * hash for partitioning. The bytes are those `TextEncoder` would give (a lone
 * surrogate counts as U+FFFD), computed inline: it runs on every append, and
 * encoding into a fresh buffer cost more than the rest of the hash.
 */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      hash = mix(hash, code);
      continue;
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = text.charCodeAt(i + 1); // NaN past the end
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
        i += 1;
      } else {
        code = 0xfffd;
      }
    }
    if (code < 0x800) {
      hash = mix(mix(hash, 0xc0 | (code >> 6)), 0x80 | (code & 0x3f));
    } else if (code < 0x10000) {
      hash = mix(mix(mix(hash, 0xe0 | (code >> 12)), 0x80 | ((code >> 6) & 0x3f)), 0x80 | (code & 0x3f));
    } else {
      hash = mix(mix(mix(mix(hash, 0xf0 | (code >> 18)), 0x80 | ((code >> 12) & 0x3f)), 0x80 | ((code >> 6) & 0x3f)), 0x80 | (code & 0x3f));
    }
  }
  return hash >>> 0;
}

function mix(hash: number, byte: number): number {
  return Math.imul(hash ^ byte, 0x01000193);
}

/** The most partitions a layout may have (EVENT_PARTITIONS's upper bound). */
export const MAX_PARTITIONS = 256;

/**
 * The partition of an organization's events. Partitioning by organization keeps
 * every aggregate of one organization in one stream, so a command touching
 * several of them appends atomically, and per-organization order comes free.
 */
export function partitionOf(organizationId: string, partitions: number): number {
  return fnv1a32(organizationId) % partitions;
}
