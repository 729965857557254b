/**
 * Rebuilds the write side's memory from the log: every aggregate's version
 * and state, folded with its decider's `evolve` over the archive and the
 * stream tail (./log.ts), in log order, through today's catalogue (so
 * upcasters apply and a changed `evolve` takes effect). After partition
 * switches the log is read epoch by epoch (./layout-history.ts), so an
 * organization that moved is folded in order, and every aggregate is written
 * to its organization's partition in the current layout (`partitions`).
 * The states of all aggregates are held in memory until they are written.
 *
 * Safe while commands run: an aggregate is written only if the store does not
 * hold a newer version already (a command that appended meanwhile stored its
 * own state, folded from a state it could load). Run it after Redis lost keys,
 * after changing an `evolve`, or when a command reports that stored state
 * cannot be used: `npm run events -- rebuild-state`.
 */
import type { Db } from '~/server/db/client';
import type { Redis } from '~/server/redis/client';
import { partitionOf, type Keys } from '~/server/redis/keys';
import type { AnyCatalogue } from './catalogue';
import type { AnyDecider } from './decider';
import { endedEpochs, logSegments } from './layout-history';
import { readPartitionLog } from './log';
import { sealedSubjects } from './personal';
import { findKeys } from './personal-keys';
import { encodeState } from './write-state';

/** Sets version and state unless the store already holds a newer version. */
const WRITE_SCRIPT = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current > tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], ARGV[2])
return 1
`;

/** Writes sent at once (node-redis pipelines them). */
const WRITE_CHUNK = 1_000;

export interface RebuildStateResult {
  events: number;
  aggregates: number;
  /** Aggregates whose version and state were written. */
  written: number;
  /** Aggregates left alone because a command stored a newer version meanwhile. */
  newer: number;
  /** Aggregates that could not be folded (an undecodable event, a type no decider owns): left as they were. */
  failed: Array<{ partition: number; aggregateId: string; error: string }>;
}

interface Folding {
  decider: AnyDecider;
  organizationId: string;
  version: number;
  state: unknown;
}

export async function rebuildWriteState(opts: {
  db: Db;
  redis: Redis;
  keys: Keys;
  partitions: number;
  catalogue: AnyCatalogue;
  deciders: ReadonlyArray<AnyDecider>;
  onProgress?: (progress: { partition: number; events: number }) => void;
}): Promise<RebuildStateResult> {
  const owner = new Map<string, AnyDecider>();
  for (const decider of opts.deciders) {
    for (const event of decider.events) {
      const other = owner.get(event.type);
      if (other) throw new Error(`Event type ${event.type} belongs to two deciders: ${other.name} and ${decider.name}.`);
      owner.set(event.type, decider);
    }
  }
  const result: RebuildStateResult = { events: 0, aggregates: 0, written: 0, newer: 0, failed: [] };

  const folding = new Map<string, Folding>();
  const broken = new Map<string, { partition: number; error: string }>();
  const positions = new Map<number, string>();
  for (const { partition, upTo } of logSegments(await endedEpochs(opts.db), opts.partitions)) {
    const log = readPartitionLog({ db: opts.db, redis: opts.redis, keys: opts.keys, partition, after: positions.get(partition), upTo });
    for await (const page of log) {
      const subjects = sealedSubjects(page.map((entry) => entry.fields));
      const keys = subjects.length > 0 ? await findKeys(opts.db, subjects) : new Map<string, Buffer>();
      for (const entry of page) {
        result.events += 1;
        const decoded = opts.catalogue.decode(entry.fields, { partition, id: entry.id }, keys);
        if (!decoded.ok) {
          broken.set(decoded.aggregateId, { partition, error: `${entry.id}: ${decoded.error}` });
          continue;
        }
        const event = decoded.event;
        if (broken.has(event.aggregateId)) continue;
        const decider = owner.get(event.type);
        const current = folding.get(event.aggregateId);
        if (!decider) {
          broken.set(event.aggregateId, { partition, error: `${entry.id}: no decider owns ${event.type}` });
        } else if (current && current.decider !== decider) {
          broken.set(event.aggregateId, { partition, error: `${entry.id}: ${event.type} is not an event of ${current.decider.name}` });
        } else {
          const from = current ?? { decider, organizationId: event.organizationId, version: 0, state: decider.initialState };
          folding.set(event.aggregateId, { ...from, version: event.aggregateVersion, state: decider.evolve(from.state, event) });
        }
      }
      positions.set(partition, page.at(-1)?.id ?? positions.get(partition) ?? '0-0');
      opts.onProgress?.({ partition, events: result.events });
    }
    // Everything up to an ended epoch's cutoff has been read: the partition's next stretch starts there.
    if (upTo !== null) positions.set(partition, upTo);
  }

  for (const [aggregateId, { partition, error }] of broken) {
    folding.delete(aggregateId);
    result.failed.push({ partition, aggregateId, error });
  }
  result.aggregates += folding.size + broken.size;
  const all = [...folding];
  for (let i = 0; i < all.length; i += WRITE_CHUNK) {
    const writes = all.slice(i, i + WRITE_CHUNK).map(([aggregateId, f]) => {
      const partition = partitionOf(f.organizationId, opts.partitions);
      return opts.redis.eval(WRITE_SCRIPT, {
        keys: [opts.keys.version(partition, aggregateId), opts.keys.state(partition, aggregateId)],
        arguments: [String(f.version), encodeState({ type: f.decider.name, organizationId: f.organizationId, value: f.state })],
      });
    });
    for (const written of await Promise.all(writes)) {
      if (written === 1) result.written += 1;
      else result.newer += 1;
    }
  }
  return result;
}
