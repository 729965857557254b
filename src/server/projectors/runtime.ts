/**
 * The projector runtime: reads partition streams through consumer groups and
 * applies them to Postgres, exactly once and in order.
 *
 * - **Leases.** One worker at a time reads a partition (a short lease in
 *   Redis). Acquiring a lease bumps the partition's fence token; every commit
 *   checks it against the checkpoint row, so a worker that lost its lease
 *   (paused, partitioned away) can never commit over its successor.
 * - **Batches.** `XREADGROUP COUNT n`, then one Postgres transaction applies the
 *   batch and advances the checkpoint (`projector`, `partition`, `last_id`);
 *   only after commit are the entries acknowledged (`XACK`). Entries at or
 *   below the checkpoint are acknowledged without being applied again.
 * - **Crash recovery.** Entries delivered to a dead consumer stay pending; the
 *   next lease holder claims them (`XAUTOCLAIM`) before reading new ones.
 * - **Poison events.** A failing handler is retried with backoff; after
 *   `maxAttempts` the event is parked in `dead_letters` with its error, and
 *   the later events of the same aggregate are parked behind it, while every
 *   other aggregate flows on. See ./dead-letters.ts for retry and skip.
 *
 * `drain()` is the one bounded entry point: the long-running worker loops
 * over it, and serverless triggers call it once.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { z } from 'zod';
import { decodeEnvelope, type AnyCatalogue } from '~/server/events/catalogue';
import type { Position } from '~/server/events/envelope';
import type { Db } from '~/server/db/client';
import { deadLetters, projectorCheckpoints, projectorFailures, reactorEffects } from '~/server/db/event-core-schema';
import { errorMessage } from '~/server/errors';
import type { Redis } from '~/server/redis/client';
import type { Keys } from '~/server/redis/keys';
import { acknowledgeable, backoffMs, contiguousPrefix, unappliedAfter } from './batch';
import type { Projector, Tx } from './define-projector';

export interface RuntimeOptions {
  db: Db;
  redis: Redis;
  keys: Keys;
  catalogue: AnyCatalogue;
  projectors: ReadonlyArray<Projector>;
  partitions: number;
  /** Unique per process; also the consumer name in every group. */
  workerId: string;
  logger: Logger;
  batchSize?: number;
  leaseMs?: number;
  maxAttempts?: number;
  /** Backoff after the n-th failure: min(base · 2^(n-1), max). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Length kept in each organization's change-notice stream. */
  noticesMaxLen?: number;
  /** Test hook: called at named points of a batch, to inject crashes. */
  faults?: (point: 'before-commit' | 'after-commit') => void | Promise<void>;
}

export interface DrainOptions {
  /** Only these partitions (default: all). */
  partitions?: ReadonlyArray<number>;
  /** Only these projectors, by name (default: all). */
  projectors?: ReadonlyArray<string>;
  maxMs: number;
  maxEvents: number;
  /** At most this many partitions held at once (fair share among workers). */
  maxPartitions?: number;
  /** Give the leases back at the end (serverless); a long-running worker keeps them. */
  releaseLeases?: boolean;
}

export interface DrainResult {
  /** Entries applied, parked or skipped as already applied. */
  events: number;
  partitions: number[];
}

type Entry = { id: string; fields: Record<string, string> | null };

const entriesReply = z
  .array(z.object({ name: z.string(), messages: z.array(z.object({ id: z.string(), message: z.record(z.string(), z.string()).nullable() })) }))
  .nullable();

const LEASE_SCRIPT = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return tonumber(redis.call('GET', KEYS[2]) or '0')
end
if holder then return -1 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return redis.call('INCR', KEYS[2])
`;
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

class LeaseLostError extends Error {}

interface GroupState {
  ready: boolean;
  /** Entries may be pending for this consumer (claimed, or left by a failed batch). */
  pending: boolean;
  /** Do not read before this time (backoff after a failure). */
  retryAt: number;
}

export type ProjectorRuntime = ReturnType<typeof createProjectorRuntime>;

export function createProjectorRuntime(opts: RuntimeOptions) {
  const { db, redis, keys, catalogue, projectors, workerId } = opts;
  const batchSize = opts.batchSize ?? 500;
  const leaseMs = opts.leaseMs ?? 10_000;
  const maxAttempts = opts.maxAttempts ?? 5;
  const retryBaseMs = opts.retryBaseMs ?? 200;
  const retryMaxMs = opts.retryMaxMs ?? 30_000;
  const log = opts.logger.child({ component: 'projectors', workerId });
  const names = new Set<string>();
  for (const p of projectors) {
    if (names.has(p.name)) throw new Error(`Projector "${p.name}" is registered twice.`);
    names.add(p.name);
  }

  /** Partition → fence token of the lease this worker holds. */
  const leases = new Map<number, number>();
  const groups = new Map<string, GroupState>();
  const groupState = (projector: string, partition: number): GroupState => {
    const key = `${projector}/${partition}`;
    let state = groups.get(key);
    if (!state) {
      state = { ready: false, pending: true, retryAt: 0 };
      groups.set(key, state);
    }
    return state;
  };

  async function acquire(partition: number): Promise<boolean> {
    const reply = Number(
      await redis.eval(LEASE_SCRIPT, { keys: [keys.lease(partition), keys.fence(partition)], arguments: [workerId, String(leaseMs)] }),
    );
    if (reply < 0) {
      if (leases.delete(partition)) log.warn({ partition }, 'lease lost');
      return false;
    }
    if (!leases.has(partition)) {
      log.info({ partition, fence: reply }, 'lease acquired');
      // A new holder first claims whatever earlier holders left pending.
      for (const p of projectors) groupState(p.name, partition).pending = true;
    }
    leases.set(partition, reply);
    return true;
  }

  async function release(partition: number): Promise<void> {
    if (!leases.delete(partition)) return;
    await redis.eval(RELEASE_SCRIPT, { keys: [keys.lease(partition)], arguments: [workerId] }).catch(() => undefined);
    for (const p of projectors) groupState(p.name, partition).pending = true;
    log.info({ partition }, 'lease released');
  }

  async function ensureGroup(projector: string, partition: number, state: GroupState) {
    if (state.ready) return;
    try {
      await redis.xGroupCreate(keys.stream(partition), projector, '0', { MKSTREAM: true });
    } catch (error) {
      if (!errorMessage(error).includes('BUSYGROUP')) throw error;
    }
    state.ready = true;
  }

  async function readBatch(projector: string, partition: number, state: GroupState): Promise<{ entries: Entry[]; fresh: boolean }> {
    const stream = keys.stream(partition);
    if (state.pending) {
      // Claim everything earlier consumers left pending: the lease guarantees they are gone
      // (and the fence stops them committing if they are not).
      let cursor = '0-0';
      do {
        const claimed = await redis.xAutoClaim(stream, projector, workerId, 0, cursor, { COUNT: batchSize });
        cursor = claimed.nextId;
      } while (cursor !== '0-0');
      const own = await readGroup(projector, stream, '0');
      if (own.length > 0) return { entries: own, fresh: false };
      state.pending = false;
    }
    return { entries: await readGroup(projector, stream, '>'), fresh: true };
  }

  /**
   * The longest run of `entries` that follows the checkpoint in the stream with
   * no gap. A gap means another consumer holds entries in between (a lease
   * changed hands mid-read); applying past it would break order and, once the
   * checkpoint moved on, lose those entries.
   */
  async function contiguousRun(partition: number, afterId: string, entries: Entry[], fresh: boolean): Promise<Entry[]> {
    if (entries.length === 0) return entries;
    // A '>' read is one consecutive range: checking its first entry is enough.
    const expected = (await redis.xRange(keys.stream(partition), `(${afterId}`, '+', { COUNT: fresh ? 1 : entries.length })) ?? [];
    if (fresh) return expected[0]?.id === entries[0]?.id ? entries : [];
    return entries.slice(0, contiguousPrefix(entries, expected));
  }

  async function readGroup(projector: string, stream: string, id: string): Promise<Entry[]> {
    const reply = entriesReply.parse(await redis.xReadGroup(projector, workerId, { key: stream, id }, { COUNT: batchSize }));
    return (reply?.[0]?.messages ?? []).map((m) => ({ id: m.id, fields: m.message }));
  }

  /** Applies one batch in one transaction with the checkpoint. Returns the id to acknowledge up to. */
  async function applyBatch(projector: Projector, partition: number, fence: number, batch: Entry[], fresh: boolean) {
    const run = (careful: boolean) =>
      db.transaction(async (tx) => {
        await tx.insert(projectorCheckpoints).values({ projector: projector.name, partition }).onConflictDoNothing();
        const [checkpoint] = await tx
          .select()
          .from(projectorCheckpoints)
          .where(and(eq(projectorCheckpoints.projector, projector.name), eq(projectorCheckpoints.partition, partition)))
          .for('update');
        if (!checkpoint || checkpoint.fence > fence) throw new LeaseLostError();
        const parkedRows = await tx
          .selectDistinct({ aggregateId: deadLetters.aggregateId })
          .from(deadLetters)
          .where(and(eq(deadLetters.projector, projector.name), eq(deadLetters.partition, partition)));
        const parked = new Set(parkedRows.map((r) => r.aggregateId));
        const unapplied = unappliedAfter(batch, checkpoint.lastId);
        const entries = await contiguousRun(partition, checkpoint.lastId, unapplied, fresh);
        const gap = entries.length < unapplied.length;

        let lastId = checkpoint.lastId;
        let applied = 0;
        let failure: { attempts: number } | null = null;
        const touched = new Map<string, { lastId: string; aggregates: Set<string> }>();
        for (const entry of entries) {
          if (!entry.fields) {
            lastId = entry.id; // trimmed away while pending: nothing left to apply
            continue;
          }
          const decoded = prepare(projector, entry.fields, { partition, id: entry.id });
          if (!decoded.ok) {
            await park(tx, projector, partition, entry, decoded, 'failed', decoded.error, 0);
            parked.add(decoded.aggregateId);
          } else if (parked.has(decoded.facts.aggregateId)) {
            await park(tx, projector, partition, entry, decoded.facts, 'blocked', null, 0);
          } else if (!careful) {
            await decoded.apply(tx);
            applied += 1;
            if (decoded.notifies) noteTouched(touched, decoded.facts.organizationId, decoded.facts.aggregateId, entry.id);
          } else {
            try {
              await tx.transaction((sp) => decoded.apply(sp));
              applied += 1;
              if (decoded.notifies) noteTouched(touched, decoded.facts.organizationId, decoded.facts.aggregateId, entry.id);
            } catch (error) {
              const attempts = await recordFailure(tx, projector.name, partition, entry.id, error);
              log.warn({ projector: projector.name, partition, entry: entry.id, type: decoded.facts.type, attempts, err: errorMessage(error) }, 'handler failed');
              if (attempts < maxAttempts) {
                failure = { attempts };
                break;
              }
              await park(tx, projector, partition, entry, decoded.facts, 'failed', errorMessage(error), attempts);
              parked.add(decoded.facts.aggregateId);
              log.error({ projector: projector.name, partition, entry: entry.id, aggregateId: decoded.facts.aggregateId }, 'event parked in dead letters');
            }
          }
          lastId = entry.id;
        }
        await tx
          .update(projectorCheckpoints)
          .set({ lastId, fence, eventsApplied: sql`${projectorCheckpoints.eventsApplied} + ${applied}`, updatedAt: new Date() })
          .where(and(eq(projectorCheckpoints.projector, projector.name), eq(projectorCheckpoints.partition, partition)));
        await opts.faults?.('before-commit');
        return { lastId, failure, touched, gap };
      });

    try {
      return await run(false);
    } catch (error) {
      if (error instanceof LeaseLostError) throw error;
      // Something in the batch failed: redo it event by event to find, count and isolate it.
      return run(true);
    }
  }

  /** Decodes an entry the way `projector` wants it, and binds its handler. */
  function prepare(projector: Projector, fields: Record<string, string>, position: Position) {
    if (projector.raw) {
      const decoded = decodeEnvelope(fields);
      if (!decoded.ok) return decoded;
      const raw = { ...decoded.envelope, position };
      return { ok: true as const, facts: factsOf(raw), notifies: false, apply: (tx: Tx) => projector.apply(raw, tx) };
    }
    const decoded = catalogue.decode(fields, position);
    if (!decoded.ok) return decoded;
    const event = decoded.event;
    return {
      ok: true as const,
      facts: factsOf(event),
      notifies: projector.handles(event.type),
      apply: async (tx: Tx) => {
        if (projector.kind === 'reactor') {
          const inserted = await tx
            .insert(reactorEffects)
            .values({ reactor: projector.name, eventId: event.id })
            .onConflictDoNothing()
            .returning({ eventId: reactorEffects.eventId });
          if (inserted.length === 0) return; // effect already performed for this event
        }
        await projector.apply(event, tx);
      },
    };
  }

  async function recordFailure(tx: Tx, projector: string, partition: number, streamId: string, error: unknown): Promise<number> {
    const [row] = await tx
      .insert(projectorFailures)
      .values({ projector, partition, streamId, attempts: 1, lastError: errorMessage(error) })
      .onConflictDoUpdate({
        target: [projectorFailures.projector, projectorFailures.partition, projectorFailures.streamId],
        set: { attempts: sql`${projectorFailures.attempts} + 1`, lastError: errorMessage(error), updatedAt: new Date() },
      })
      .returning({ attempts: projectorFailures.attempts });
    return row?.attempts ?? 1;
  }

  /** Reads and applies one batch. `handled`: entries acknowledged; `more`: worth calling again now. */
  async function processBatch(projector: Projector, partition: number): Promise<{ handled: number; more: boolean }> {
    const none = { handled: 0, more: false };
    const fence = leases.get(partition);
    if (fence === undefined) return none;
    const state = groupState(projector.name, partition);
    if (Date.now() < state.retryAt) return none;
    await ensureGroup(projector.name, partition, state);
    const { entries, fresh } = await readBatch(projector.name, partition, state);
    if (entries.length === 0) return none;

    let result: Awaited<ReturnType<typeof applyBatch>>;
    try {
      result = await applyBatch(projector, partition, fence, entries, fresh);
    } catch (error) {
      state.pending = true;
      if (error instanceof LeaseLostError) {
        log.warn({ partition }, 'lease taken over by another worker; stepping back');
        leases.delete(partition);
        return none;
      }
      throw error;
    }
    await opts.faults?.('after-commit');

    const done = acknowledgeable(entries, result.lastId);
    if (done.length > 0) await redis.xAck(keys.stream(partition), projector.name, done);
    if (result.gap) state.pending = true; // claim the missing entries before going on
    if (result.failure) {
      state.pending = true;
      state.retryAt = Date.now() + backoffMs(result.failure.attempts, retryBaseMs, retryMaxMs);
    } else {
      state.retryAt = 0;
    }
    if (projector.notify && result.touched.size > 0) await sendNotices(projector.name, partition, result.touched);
    return { handled: done.length, more: done.length > 0 || result.gap };
  }

  async function sendNotices(projector: string, partition: number, touched: Map<string, { lastId: string; aggregates: Set<string> }>) {
    const maxLen = opts.noticesMaxLen ?? 1_000;
    await Promise.all(
      [...touched].map(([organizationId, t]) =>
        redis
          .xAdd(
            keys.changes(organizationId),
            '*',
            { projector, partition: String(partition), position: t.lastId, aggregates: JSON.stringify([...t.aggregates]) },
            { TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: maxLen } },
          )
          // A lost notice delays a live view until the next one; it never loses data.
          .catch((error: unknown) => log.warn({ err: errorMessage(error), organizationId }, 'change notice not sent')),
      ),
    );
  }

  async function drain(options: DrainOptions): Promise<DrainResult> {
    const deadline = Date.now() + options.maxMs;
    const wanted = options.partitions ?? Array.from({ length: opts.partitions }, (_, i) => i);
    const limit = options.maxPartitions ?? wanted.length;
    // Renew what we hold, give back what exceeds our share, then take free ones up to it.
    for (const p of [...leases.keys()]) {
      if (!wanted.includes(p)) continue;
      if (!(await acquire(p))) continue;
    }
    const held = () => [...leases.keys()].filter((p) => wanted.includes(p));
    while (held().length > limit) await release(held().at(-1) ?? -1);
    for (const p of wanted) {
      if (held().length >= limit) break;
      if (!leases.has(p)) await acquire(p);
    }

    const active = options.projectors ? projectors.filter((p) => options.projectors?.includes(p.name)) : projectors;
    let events = 0;
    let renewedAt = Date.now();
    try {
      for (;;) {
        if (Date.now() - renewedAt > leaseMs / 3) {
          for (const p of held()) await acquire(p);
          renewedAt = Date.now();
        }
        let progress = false;
        for (const partition of held()) {
          for (const projector of active) {
            if (Date.now() >= deadline || events >= options.maxEvents) return { events, partitions: held() };
            const { handled, more } = await processBatch(projector, partition);
            events += handled;
            if (more) progress = true;
          }
        }
        if (!progress) return { events, partitions: held() };
      }
    } finally {
      if (options.releaseLeases) for (const p of held()) await release(p);
    }
  }

  return {
    drain,
    heldPartitions: () => [...leases.keys()].sort((a, b) => a - b),
    releaseAll: async () => {
      for (const p of [...leases.keys()]) await release(p);
    },
    /** How long until a backed-off batch may be retried (0 when none waits). */
    nextRetryInMs: () => {
      const waits = [...groups.values()].map((g) => g.retryAt - Date.now()).filter((ms) => ms > 0);
      return waits.length > 0 ? Math.min(...waits) : 0;
    },
  };
}

function noteTouched(touched: Map<string, { lastId: string; aggregates: Set<string> }>, organizationId: string, aggregateId: string, id: string) {
  const entry = touched.get(organizationId) ?? { lastId: id, aggregates: new Set<string>() };
  entry.lastId = id;
  entry.aggregates.add(aggregateId);
  touched.set(organizationId, entry);
}

function factsOf(event: { aggregateId: string; organizationId: string; id: string; type: string }) {
  return { aggregateId: event.aggregateId, organizationId: event.organizationId, eventId: event.id, type: event.type };
}

async function park(
  tx: Tx,
  projector: Projector,
  partition: number,
  entry: Entry,
  facts: { aggregateId: string; organizationId: string | null; eventId: string | null; type: string | null },
  status: 'failed' | 'blocked',
  error: string | null,
  attempts: number,
) {
  await tx
    .insert(deadLetters)
    .values({ projector: projector.name, partition, streamId: entry.id, entry: entry.fields ?? {}, status, error, attempts, ...facts })
    .onConflictDoNothing();
  await tx
    .delete(projectorFailures)
    .where(and(eq(projectorFailures.projector, projector.name), eq(projectorFailures.partition, partition), eq(projectorFailures.streamId, entry.id)));
}
