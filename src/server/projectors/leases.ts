/**
 * Partition leases: which worker reads a partition now. One holder at a time
 * keeps per-aggregate order (G4) while several workers share the partitions.
 * Acquiring a lease bumps the partition's fence token; every batch commit
 * checks it against the checkpoint row (`assertFence`), so a worker that lost
 * its lease (paused, partitioned away) can never commit over its successor.
 *
 * Edit it when the lease protocol changes: duration, renewal, hand-over.
 */
import type { Logger } from 'pino';
import type { Redis } from '~/server/redis/client';
import type { Keys } from '~/server/redis/keys';

// Renewal and first acquisition in one script, so a lease never lapses between a check and a set.
// A renewal answers 0 (the holder knows its fence) and costs Redis two calls besides the script:
// an idle worker renews every lease all day long.
const LEASE_SCRIPT = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 0
end
if holder then return -1 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return redis.call('INCR', KEYS[2])
`;
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** A newer lease holder has committed for this partition: this worker must step back. */
export class LeaseLostError extends Error {}

/** Throws unless `heldFence` is at least the fence the checkpoint row was last committed with. */
export function assertFence(checkpointFence: number, heldFence: number): void {
  if (checkpointFence > heldFence) throw new LeaseLostError();
}

export function createLeases(opts: { redis: Redis; keys: Keys; workerId: string; leaseMs: number; log: Logger }) {
  const { redis, keys, workerId, leaseMs, log } = opts;
  /** Partition → fence token of the lease this worker holds. */
  const held = new Map<number, number>();

  /** Takes or renews the lease. `'new'` when this worker did not hold it before. */
  async function acquire(partition: number): Promise<'new' | 'renewed' | false> {
    const reply = Number(
      await redis.eval(LEASE_SCRIPT, { keys: [keys.lease(partition), keys.fence(partition)], arguments: [workerId, String(leaseMs)] }),
    );
    if (reply < 0) {
      if (held.delete(partition)) log.warn({ partition }, 'lease lost');
      return false;
    }
    if (reply === 0 && held.has(partition)) return 'renewed';
    // Held under this id but not known here (another runtime of this process took it): read its fence.
    const fence = reply > 0 ? reply : Number((await redis.get(keys.fence(partition))) ?? '0');
    log.info({ partition, fence }, 'lease acquired');
    held.set(partition, fence);
    return 'new';
  }

  /** Gives the lease back. False when this worker did not hold it. */
  async function release(partition: number): Promise<boolean> {
    if (!held.delete(partition)) return false;
    // Failing to delete only delays the next holder until the lease expires.
    await redis.eval(RELEASE_SCRIPT, { keys: [keys.lease(partition)], arguments: [workerId] }).catch(() => undefined);
    log.info({ partition }, 'lease released');
    return true;
  }

  return {
    acquire,
    release,
    /** Forgets a lease another worker has taken over, without touching Redis. */
    forget: (partition: number) => held.delete(partition),
    fence: (partition: number): number | undefined => held.get(partition),
    has: (partition: number) => held.has(partition),
    held: () => [...held.keys()],
  };
}

export type Leases = ReturnType<typeof createLeases>;
