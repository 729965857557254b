/**
 * Is an acknowledged append on disk? Asked once per Redis client, before its
 * first append, and answered by the server itself:
 *
 * - `fsync-per-write`: the AOF is on and either the server has `WAITAOF`
 *   (7.2+; proven by a real `WAITAOF` on a scratch key) or it runs
 *   `appendfsync always` (it fsyncs before replying).
 * - `provider-durable`: the server cannot show it (managed Redis often forbids
 *   `CONFIG`), and the operator says the provider persists every write
 *   (`EVENT_LOG_DURABILITY=provider-durable`).
 * - `unsafe`: an acknowledged append could be lost in a crash, or evicted
 *   when memory runs short (a `maxmemory-policy` other than `noeviction`).
 *   Appends are refused unless the operator accepts that
 *   (`EVENT_LOG_DURABILITY=accept-risk`); a provider's promise of persistence
 *   does not cover eviction.
 *
 * Edit this file when a Redis offers another way to prove durability.
 */
import { z } from 'zod';
import { AppError } from '~/server/errors';
import { isCluster, mastersOf, type Redis, type RedisNode } from '~/server/redis/client';
import { slotOf } from '~/server/redis/slots';

export type DurabilityClass = 'fsync-per-write' | 'provider-durable' | 'unsafe';
/** What the operator allows: only proven durability, a provider's promise too, or anything. */
export type DurabilityPolicy = 'require' | 'provider-durable' | 'accept-risk';

export interface DurabilityProbe {
  class: DurabilityClass;
  /** The server has WAITAOF: each append waits for it. */
  waitAof: boolean;
  /** What the server showed, in words, for logs and health. */
  detail: string;
  /** The server deletes keys when memory runs short: events would vanish, whatever the disk does. */
  evicts?: boolean;
}

const SCRATCH_KEY = 'streamline:durability-probe';

/**
 * Asks the server (several commands; the first is INFO). On a cluster, every
 * master is asked and the weakest answer counts: an append may land on any.
 */
export async function probeDurability(redis: Redis): Promise<DurabilityProbe> {
  const nodes = await mastersOf(redis);
  const probes = await Promise.all(nodes.map((node) => probeNode(node, isCluster(redis))));
  return probes.find((p) => p.class === 'unsafe') ?? probes[0] ?? { class: 'unsafe', waitAof: false, detail: 'no Redis master answered' };
}

async function probeNode(redis: RedisNode, asCluster: boolean): Promise<DurabilityProbe> {
  const info = String(await redis.sendCommand(['INFO', 'server', 'persistence', 'memory', 'cluster']));
  if (/cluster_enabled:1/.test(info) && !asCluster) throw new ClusterNotConfiguredError();
  const [major = 0, minor = 0] = (/redis_version:(\d+)\.(\d+)/.exec(info)?.slice(1) ?? []).map(Number);
  const aof = /aof_enabled:(\d)/.exec(info)?.[1] === '1';
  const waitAof = aof && (major > 7 || (major === 7 && minor >= 2));
  // Without a memory limit nothing is evicted, whatever the policy says; servers that hide these lines are taken at their word.
  const policy = /maxmemory_policy:(\S+)/.exec(info)?.[1];
  const limit = Number(/maxmemory:(\d+)/.exec(info)?.[1] ?? '0');
  if (policy && policy !== 'noeviction' && limit > 0) {
    return { class: 'unsafe', waitAof, evicts: true, detail: `Redis ${major}.${minor} evicts keys when full (maxmemory-policy ${policy}); set it to noeviction` };
  }
  const promised = (detail: string): DurabilityProbe => ({ class: 'unsafe', waitAof, detail });

  if (waitAof) {
    // A key of this node's own slots (a node refuses others' keys): its hash tag is chosen by the node.
    const scratch = asCluster ? `${SCRATCH_KEY}:{${await tagServedBy(redis)}}` : SCRATCH_KEY;
    await redis.set(scratch, String(Date.now()));
    const [local = 0] = z.array(z.number()).parse(await redis.sendCommand(['WAITAOF', '1', '0', '2000'])); // [local, replicas]
    return local >= 1 ? { class: 'fsync-per-write', waitAof, detail: `Redis ${major}.${minor}, AOF on, WAITAOF confirmed` } : promised('WAITAOF did not confirm a write within 2 s');
  }
  if (!aof) return promised(`Redis ${major}.${minor} with appendonly no`);
  const fsync = await redis.configGet('appendfsync').then(
    (config) => config.appendfsync ?? null,
    () => null, // managed services often forbid CONFIG
  );
  if (fsync === 'always') return { class: 'fsync-per-write', waitAof, detail: `Redis ${major}.${minor}, AOF on, appendfsync always` };
  return promised(fsync ? `Redis ${major}.${minor}, AOF on, appendfsync ${fsync}` : `Redis ${major}.${minor}, AOF on, appendfsync not readable (CONFIG refused)`);
}

/** A hash tag whose slot this cluster node serves: the first of `n0`, `n1`, … that it does. */
async function tagServedBy(node: RedisNode): Promise<string> {
  const mine = String(await node.sendCommand(['CLUSTER', 'MYID']));
  const shards = z.array(z.tuple([z.number(), z.number(), z.tuple([z.string(), z.number(), z.string()])]).rest(z.unknown())).parse(await node.sendCommand(['CLUSTER', 'SLOTS']));
  const ranges = shards.filter(([, , [, , id]]) => id === mine);
  for (let i = 0; i < 100_000; i++) {
    const slot = slotOf(`n${i}`);
    if (ranges.some(([from, to]) => slot >= from && slot <= to)) return `n${i}`;
  }
  throw new Error('this cluster node serves no slot');
}

/** The app was pointed at one node of a Redis Cluster as if it were a single server. */
export class ClusterNotConfiguredError extends AppError {
  constructor() {
    super('UNAVAILABLE', 'REDIS_URL points at a Redis Cluster node (cluster_enabled:1), but REDIS_CLUSTER is not set: set REDIS_CLUSTER=true (or list more seed nodes) so every command reaches the node that holds its key.');
  }
}

/** Refused: the server cannot promise that an acknowledged append survives a crash. */
export class UnsafeDurabilityError extends AppError {
  constructor(detail: string) {
    super(
      'UNAVAILABLE',
      `Refusing to append: Redis does not make an acknowledged write durable (${detail}). Run it with appendonly yes and appendfsync always (or Redis 7.2+), ` +
        'set EVENT_LOG_DURABILITY=provider-durable if your provider persists every write, or EVENT_LOG_DURABILITY=accept-risk to append anyway.',
    );
  }
}

const probes = new WeakMap<Redis, Promise<DurabilityProbe>>();
/** Probes that have answered, read without waiting: every append asks. */
const answers = new WeakMap<Redis, DurabilityProbe>();

/** The probe of this client's server, asked once (a failed probe is not kept). */
function probeOnce(redis: Redis): Promise<DurabilityProbe> {
  let probe = probes.get(redis);
  if (!probe) {
    probe = probeDurability(redis);
    probe.then(
      (found) => answers.set(redis, found),
      () => probes.delete(redis),
    );
    probes.set(redis, probe);
  }
  return probe;
}

function classify(found: DurabilityProbe, policy: DurabilityPolicy): DurabilityProbe {
  return found.class === 'unsafe' && !found.evicts && policy === 'provider-durable'
    ? { ...found, class: 'provider-durable', detail: `${found.detail}; the operator says the provider persists every write` }
    : found;
}

/** The probe of this client's server, classified under `policy`. */
export async function durabilityOf(redis: Redis, policy: DurabilityPolicy): Promise<DurabilityProbe> {
  return classify(await probeOnce(redis), policy);
}

function allow(probe: DurabilityProbe, policy: DurabilityPolicy): DurabilityProbe {
  if (probe.class === 'unsafe' && policy !== 'accept-risk') throw new UnsafeDurabilityError(probe.detail);
  return probe;
}

/**
 * Throws unless an append through this client may go ahead under `policy`.
 * Once the server has answered, the answer comes at once, not as a promise.
 */
export function assertDurable(redis: Redis, policy: DurabilityPolicy): DurabilityProbe | Promise<DurabilityProbe> {
  const answer = answers.get(redis);
  return answer ? allow(classify(answer, policy), policy) : durabilityOf(redis, policy).then((probe) => allow(probe, policy));
}
