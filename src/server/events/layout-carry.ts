/**
 * The write side carried from one partition layout to another, while every
 * partition is frozen (./layout-switch.ts): each aggregate's version and
 * state, the claims its state holds, and every live idempotency record move
 * from their organization's partition under the old count to its partition
 * under the new one. Copied from Redis as they are (no fold, no decider code
 * runs), so a command after the switch decides on exactly what it would have
 * decided on before.
 *
 * Nothing scans the key space. Aggregates come from the archive
 * (`event_log`, complete once the archive projector has caught up: every
 * aggregate has its version-1 event there); claims from the aggregates'
 * states (`decider.claims`); idempotency records from each partition's index,
 * which the append script keeps.
 *
 * Each step writes the new keys before it deletes the old ones, and an
 * aggregate whose old keys are gone counts as carried, so a run that was
 * interrupted is finished by running it again.
 */
import { and, asc, eq, gt } from 'drizzle-orm';
import type { Db } from '~/server/db/client';
import { eventLog } from '~/server/db/event-core-schema';
import type { Redis } from '~/server/redis/client';
import { partitionOf, type Keys } from '~/server/redis/keys';
import { parseIdempotencyIndexEntry, storedResultWithPartition } from './idempotency-records';
import type { AnyDecider, HeldClaim } from './decider';
import { parseStateRecord } from './write-state';

const PAGE = 1_000;

export interface CarryCounts {
  /** Aggregates whose version and state moved to another partition. */
  aggregates: number;
  claims: number;
  idempotencyRecords: number;
  /** Aggregates whose claims could not be read from their state (the state does not parse): listed, left where they were. */
  unreadable: string[];
}

export interface CarryOptions {
  db: Db;
  redis: Redis;
  keys: Keys;
  deciders: ReadonlyArray<AnyDecider>;
  from: number;
  to: number;
  onProgress?: (line: string) => void;
}

export async function carryWriteSide(opts: CarryOptions): Promise<CarryCounts> {
  const counts: CarryCounts = { aggregates: 0, claims: 0, idempotencyRecords: 0, unreadable: [] };
  await carryAggregates(opts, counts);
  for (let partition = 0; partition < opts.from; partition++) await carryIdempotency(opts, partition, counts);
  return counts;
}

/** Where a claim lives under a layout of `partitions`: its organization's partition, or its value's. */
function claimPartition(claim: HeldClaim, organizationId: string, partitions: number): number {
  return partitionOf(claim.partitionBy === 'value' ? claim.value : organizationId, partitions);
}

async function carryAggregates(opts: CarryOptions, counts: CarryCounts): Promise<void> {
  const { db, redis, keys, from, to } = opts;
  const deciderOf = new Map<string, AnyDecider>();
  for (const decider of opts.deciders) for (const event of decider.events) deciderOf.set(event.type, decider);
  let after = '';
  let seen = 0;
  for (;;) {
    // Every aggregate once: its first event. Its type names the decider, so aggregates that cannot hold claims and stay put cost nothing.
    const page = await db
      .select({ aggregateId: eventLog.aggregateId, organizationId: eventLog.organizationId, type: eventLog.type })
      .from(eventLog)
      .where(and(eq(eventLog.aggregateVersion, 1), gt(eventLog.aggregateId, after)))
      .orderBy(asc(eventLog.aggregateId))
      .limit(PAGE);
    const last = page.at(-1);
    if (!last) return;
    after = last.aggregateId;
    await Promise.all(
      page.map(async ({ aggregateId, organizationId, type }) => {
        const decider = deciderOf.get(type);
        const p = partitionOf(organizationId, from);
        const q = partitionOf(organizationId, to);
        if (p === q && !decider?.claims) return;
        let state: string | null | undefined;
        if (p !== q) {
          const [version, stored] = await redis.mGet([keys.version(p, aggregateId), keys.state(p, aggregateId)]);
          if (version !== null && version !== undefined) {
            const copy = redis.multi().set(keys.version(q, aggregateId), version);
            await (stored ? copy.set(keys.state(q, aggregateId), stored) : copy.del(keys.state(q, aggregateId))).exec();
            state = stored;
          } else {
            state = await redis.get(keys.state(q, aggregateId)); // carried by an earlier run: its claims are read from where it is now
          }
        } else {
          state = await redis.get(keys.state(p, aggregateId));
        }
        if (decider && state) await carryClaims(opts, decider, aggregateId, organizationId, state, counts);
        if (p !== q) {
          const removed = await redis.multi().del(keys.version(p, aggregateId)).del(keys.state(p, aggregateId)).exec();
          if (Number(removed[0]) > 0) counts.aggregates += 1;
        }
      }),
    );
    seen += page.length;
    opts.onProgress?.(`Carried the write side of ${seen.toLocaleString('en')} aggregates (${counts.aggregates.toLocaleString('en')} moved partitions)`);
  }
}

async function carryClaims(opts: CarryOptions, decider: AnyDecider, aggregateId: string, organizationId: string, raw: string, counts: CarryCounts): Promise<void> {
  if (!decider.claims) return;
  const record = parseStateRecord(raw);
  const state = record ? decider.state.safeParse(record.value) : null;
  if (!state?.success) {
    counts.unreadable.push(aggregateId);
    return;
  }
  const { redis, keys } = opts;
  for (const claim of decider.claims(state.data)) {
    const p = claimPartition(claim, organizationId, opts.from);
    const q = claimPartition(claim, organizationId, opts.to);
    if (p === q) continue;
    const holder = await redis.get(keys.claim(p, claim.scope, claim.value));
    if (holder === null) continue; // carried by an earlier run
    await redis.set(keys.claim(q, claim.scope, claim.value), holder);
    await redis.del(keys.claim(p, claim.scope, claim.value));
    counts.claims += 1;
  }
}

/** Moves the partition's live idempotency records (its index lists them) whose organization goes elsewhere, with their remaining TTL. */
async function carryIdempotency(opts: CarryOptions, partition: number, counts: CarryCounts): Promise<void> {
  const { redis, keys } = opts;
  const index = keys.idempotencyIndex(partition);
  // Read whole first (frozen: nothing adds to it meanwhile), then changed.
  const entries: Array<{ value: string; score: number }> = [];
  for (let start = 0; ; start += PAGE) {
    const page = await redis.zRangeWithScores(index, start, start + PAGE - 1);
    entries.push(...page);
    if (page.length < PAGE) break;
  }
  await Promise.all(
    entries.map(async ({ value: entry, score }) => {
      const { organizationId, key } = parseIdempotencyIndexEntry(entry);
      const q = partitionOf(organizationId, opts.to);
      if (q === partition) return;
      const source = keys.idempotency(partition, organizationId, key);
      const [stored, ttl] = await Promise.all([redis.get(source), redis.pTTL(source)]);
      if (stored !== null && ttl > 0) {
        // The events stay where they were appended: the moved record names their partition.
        await redis
          .multi()
          .set(keys.idempotency(q, organizationId, key), storedResultWithPartition(stored, partition), { expiration: { type: 'PX', value: ttl } })
          .zAdd(keys.idempotencyIndex(q), { score, value: entry })
          .exec();
        counts.idempotencyRecords += 1;
      }
      await redis.multi().del(source).zRem(index, entry).exec();
    }),
  );
  if (entries.length > 0) opts.onProgress?.(`Carried the idempotency records of partition ${partition} (${counts.idempotencyRecords.toLocaleString('en')} so far)`);
}
