/**
 * One Redis key space, one database. Both hold the same identity: the first
 * process to use a fresh pair writes it to both; every process checks it
 * before it appends or drains. A process whose database and key space carry
 * different identities (a preview deployment with its own database branch
 * pointed at production's prefix, say) is refused with one clear line instead
 * of draining the other environment's log into its database.
 *
 * - database and key space both new: paired now;
 * - key space new, database paired (Redis was emptied, or the prefix changed):
 *   the key space joins the database's identity;
 * - key space paired, database new or different: refused.
 */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '~/server/db/client';
import { deploymentIdentity } from '~/server/db/event-core-schema';
import { AppError } from '~/server/errors';
import type { Redis } from '~/server/redis/client';
import type { Keys } from '~/server/redis/keys';

const SLOT = 'this';

export class IdentityMismatchError extends AppError {
  constructor(prefix: string, inRedis: string, inDatabase: string | null) {
    super(
      'UNAVAILABLE',
      `The Redis key space "${prefix}" belongs to another database (identity ${inRedis}; this database has ${inDatabase ?? 'none'}). ` +
        'Give each environment its own REDIS_KEY_PREFIX or Redis database.',
    );
  }
}

async function databaseIdentity(db: Db): Promise<string | null> {
  const [row] = await db.select({ identity: deploymentIdentity.identity }).from(deploymentIdentity).where(eq(deploymentIdentity.slot, SLOT));
  return row?.identity ?? null;
}

/** Checks (and on first use makes) the pairing; returns the shared identity. */
export async function pairKeySpaceWithDatabase(opts: { db: Db; redis: Redis; keys: Keys }): Promise<string> {
  const key = opts.keys.identity();
  let inDatabase = await databaseIdentity(opts.db);
  let inRedis = await opts.redis.get(key);
  if (inRedis === null) {
    // A new key space takes the database's identity, or, new too, a fresh one; racing processes agree on the first.
    await opts.redis.set(key, inDatabase ?? randomUUID(), { condition: 'NX' });
    inRedis = await opts.redis.get(key);
    if (inRedis === null) throw new Error(`Redis lost ${key} while it was being paired; try again.`);
    if (inDatabase === null) {
      await opts.db.insert(deploymentIdentity).values({ slot: SLOT, identity: inRedis }).onConflictDoNothing();
      inDatabase = await databaseIdentity(opts.db);
    }
  }
  // A key space paired before never pairs with a new or another database: that is another environment's log.
  if (inDatabase !== inRedis) throw new IdentityMismatchError(opts.keys.prefix, inRedis, inDatabase);
  return inRedis;
}

const checked = new WeakMap<Redis, Map<string, Promise<string>>>();

/** `pairKeySpaceWithDatabase` once per process and key space (a failure is not kept, so a fixed setup passes on the next try). */
export function assertPaired(opts: { db: Db; redis: Redis; keys: Keys }): Promise<string> {
  let byPrefix = checked.get(opts.redis);
  if (!byPrefix) {
    byPrefix = new Map();
    checked.set(opts.redis, byPrefix);
  }
  let pairing = byPrefix.get(opts.keys.prefix);
  if (!pairing) {
    pairing = pairKeySpaceWithDatabase(opts);
    const map = byPrefix;
    pairing.catch(() => map.delete(opts.keys.prefix));
    byPrefix.set(opts.keys.prefix, pairing);
  }
  return pairing;
}
