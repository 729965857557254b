/**
 * One batch, one Postgres transaction (G5): lock the projector's checkpoint
 * row and check the lease's fence, apply the entries that continue the
 * stream after the checkpoint, park what cannot be applied, advance the
 * checkpoint. The caller acknowledges entries only after this commits.
 *
 * A poison event (G7) is dealt with inside the batch, so it never holds the
 * partition, and with it other organizations, back:
 * - the batch first runs straight through (in one `applyBatch` call for a
 *   projector that has one); if a handler throws, it runs
 *   again with every entry in its own savepoint, so a failure undoes only
 *   that entry's writes;
 * - a failing entry is retried in place, each attempt in a fresh savepoint,
 *   up to `maxAttempts` in all (the straight run's failure counts as one);
 * - then it is parked in `dead_letters` with its error, the later events of
 *   its aggregate are parked behind it (so that aggregate's order is never
 *   broken), and the batch goes on with everything else.
 * Undecodable entries are parked at once. ./dead-letters.ts retries and skips.
 * Every log line about an entry names its event and correlation id; a
 * committed batch logs, at debug, the correlation ids it applied.
 *
 * Edit it when what happens to an entry inside a batch changes.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { deadLetters, projectorCheckpoints } from '~/server/db/event-core-schema';
import type { AnyCatalogue } from '~/server/events/catalogue';
import { errorMessage } from '~/server/errors';
import { noteTouched, type TouchedOrganizations } from '~/server/realtime/notice-writer';
import { collectForBatch, entryLogFields, keysFor, prepareEntry, type ApplyOutcome, type EntryFacts, type PreparedEntry } from './apply-entry';
import { unappliedAfter } from './batch';
import type { Projector, Tx } from './define-projector';
import { assertFence } from './leases';
import type { Entry } from './read';

/**
 * What runs a batch's transaction: the database, or an open transaction (the
 * batch then runs in a savepoint). A rebuild passes one that first points
 * `search_path` at its shadow tables (./rebuild-tables.ts).
 */
export interface Transactor {
  transaction<T>(run: (tx: Tx) => Promise<T>): Promise<T>;
}

export interface BatchDeps {
  db: Transactor;
  catalogue: AnyCatalogue;
  /** Handler attempts per entry before it is parked (at least 1). */
  maxAttempts: number;
  log: Logger;
  /** The part of `entries` that continues the stream right after `afterId` (see ./read.ts). */
  contiguousRun: (partition: number, afterId: string, entries: Entry[], fresh: boolean) => Promise<Entry[]>;
  /** Test hook, called last inside the transaction. */
  beforeCommit?: () => void | Promise<void>;
}

export interface BatchResult {
  /** The committed checkpoint: acknowledge every entry up to it. */
  lastId: string;
  /** Part of the batch did not continue the stream: claim what is missing before reading on. */
  gap: boolean;
  /** Organizations whose read models changed, for change notices. */
  touched: TouchedOrganizations;
}

/** A handler threw during the straight run; carries which entry, so its attempt is counted, and what to log about it. */
class HandlerFailed extends Error {
  constructor(
    readonly entryId: string,
    readonly error: unknown,
    readonly about: Record<string, unknown>,
  ) {
    super(errorMessage(error));
  }
}

type EarlierFailure = { entryId: string; error: unknown };

/** Stands for the entry of a failure in a whole-batch call (`applyBatch`): no single entry is to blame, so none has an attempt counted. */
const WHOLE_BATCH = '(whole batch)';

export async function applyBatch(deps: BatchDeps, projector: Projector, partition: number, fence: number, batch: Entry[], fresh: boolean): Promise<BatchResult> {
  // Correlation ids are gathered only when the debug line that lists them is written.
  const correlationIds = deps.log.isLevelEnabled('debug') ? new Set<string>() : null;
  let result: BatchResult;
  try {
    result = await run(deps, projector, partition, fence, batch, fresh, null, correlationIds);
  } catch (error) {
    if (!(error instanceof HandlerFailed)) throw error;
    deps.log.warn({ ...error.about, attempts: 1, err: error.message }, 'handler failed');
    correlationIds?.clear();
    result = await run(deps, projector, partition, fence, batch, fresh, { entryId: error.entryId, error: error.error }, correlationIds);
  }
  if (correlationIds && correlationIds.size > 0) {
    deps.log.debug({ projector: projector.name, partition, lastId: result.lastId, correlationIds: [...correlationIds] }, 'batch applied');
  }
  return result;
}

/** One transaction over the batch. `earlier`: null for the straight run, else the careful one after that failure. */
function run(
  deps: BatchDeps,
  projector: Projector,
  partition: number,
  fence: number,
  batch: Entry[],
  fresh: boolean,
  earlier: EarlierFailure | null,
  correlationIds: Set<string> | null,
) {
  return deps.db.transaction(async (tx): Promise<BatchResult> => {
    // Sent together: Postgres runs them in order on the transaction's connection, without a round trip between.
    const [checkpoint, parked] = await Promise.all([lockCheckpoint(tx, projector.name, partition), parkedAggregates(tx, projector.name, partition)]);
    assertFence(checkpoint.fence, fence);
    const unapplied = unappliedAfter(batch, checkpoint.lastId);
    const entries = await deps.contiguousRun(partition, checkpoint.lastId, unapplied, fresh);

    const keys = await keysFor(projector, tx, entries.map((entry) => entry.fields));
    let lastId = checkpoint.lastId;
    let applied = 0;
    const touched: TouchedOrganizations = new Map();
    // A projector that can apply a batch at once gets, on the straight run, every entry it reads in one call at the end.
    const together = !earlier && projector.kind === 'projector' && projector.applyBatch ? collectForBatch(projector) : null;
    for (const entry of entries) {
      lastId = entry.id;
      if (!entry.fields) continue; // trimmed away while pending: nothing left to apply
      const position = { partition, id: entry.id };
      const prepared = prepareEntry(projector, deps.catalogue, entry.fields, position, deps.log, keys);
      if (!prepared.ok) {
        await park(tx, projector.name, partition, entry, prepared, { status: 'failed', error: prepared.error, attempts: 0 });
        parked.add(prepared.aggregateId);
        deps.log.error({ ...entryLogFields(projector.name, position, prepared), err: prepared.error }, 'undecodable event parked in dead letters');
        continue;
      }
      const about = () => entryLogFields(projector.name, position, prepared.facts);
      if (parked.has(prepared.facts.aggregateId)) {
        await park(tx, projector.name, partition, entry, prepared.facts, { status: 'blocked', error: null, attempts: 0 });
        deps.log.info(about(), 'event parked behind an earlier dead letter of its aggregate');
        continue;
      }
      correlationIds?.add(prepared.facts.correlationId);
      if (together) {
        together.add(prepared);
        applied += 1;
        if (prepared.notifies) noteTouched(touched, prepared.facts.organizationId, prepared.facts.aggregateId, entry.id);
        continue;
      }
      const result = earlier ? await applyInPlace(deps, tx, entry, prepared, earlier, about) : await applyStraight(tx, entry, prepared, about);
      if (!result.ok) {
        await park(tx, projector.name, partition, entry, prepared.facts, { status: 'failed', error: errorMessage(result.error), attempts: result.attempts });
        parked.add(prepared.facts.aggregateId);
        correlationIds?.delete(prepared.facts.correlationId);
        deps.log.error({ ...about(), attempts: result.attempts, err: errorMessage(result.error) }, 'event parked in dead letters');
        continue;
      }
      applied += 1;
      if (result.outcome === 'applied' && prepared.notifies) {
        noteTouched(touched, prepared.facts.organizationId, prepared.facts.aggregateId, entry.id);
        for (const organizationId of prepared.alsoNotified ?? []) noteTouched(touched, organizationId, prepared.facts.aggregateId, entry.id);
      }
    }
    try {
      await together?.apply(tx);
    } catch (error) {
      throw new HandlerFailed(WHOLE_BATCH, error, { projector: projector.name, partition, entry: WHOLE_BATCH }); // entry by entry now, where a failure has a name
    }
    await tx
      .update(projectorCheckpoints)
      .set({ lastId, fence, eventsApplied: sql`${projectorCheckpoints.eventsApplied} + ${applied}`, updatedAt: new Date() })
      .where(and(eq(projectorCheckpoints.projector, projector.name), eq(projectorCheckpoints.partition, partition)));
    await deps.beforeCommit?.();
    return { lastId, gap: entries.length < unapplied.length, touched };
  });
}

type Applied = { ok: true; outcome: ApplyOutcome } | { ok: false; attempts: number; error: unknown };
type Ready = Extract<PreparedEntry, { ok: true }>;

type About = () => Record<string, unknown>;

async function applyStraight(tx: Tx, entry: Entry, prepared: Ready, about: About): Promise<Applied> {
  try {
    return { ok: true, outcome: await prepared.apply(tx) };
  } catch (error) {
    // The transaction is unusable after a failed statement: start over, carefully.
    throw new HandlerFailed(entry.id, error, about());
  }
}

async function applyInPlace(deps: BatchDeps, tx: Tx, entry: Entry, prepared: Ready, earlier: EarlierFailure, about: About): Promise<Applied> {
  let attempts = earlier.entryId === entry.id ? 1 : 0;
  let lastError = earlier.error;
  while (attempts < Math.max(1, deps.maxAttempts)) {
    attempts += 1;
    try {
      return { ok: true, outcome: await tx.transaction((savepoint) => prepared.apply(savepoint)) };
    } catch (error) {
      lastError = error;
      deps.log.warn({ ...about(), attempts, err: errorMessage(error) }, 'handler failed');
    }
  }
  return { ok: false, attempts, error: lastError };
}

/** Creates the row on first use; either way the statement locks it until the transaction ends. */
async function lockCheckpoint(tx: Tx, projector: string, partition: number) {
  const [checkpoint] = await tx
    .insert(projectorCheckpoints)
    .values({ projector, partition })
    .onConflictDoUpdate({ target: [projectorCheckpoints.projector, projectorCheckpoints.partition], set: { projector } })
    .returning();
  if (!checkpoint) throw new Error(`Checkpoint row of ${projector}/${partition} vanished inside its own transaction.`);
  return checkpoint;
}

async function parkedAggregates(tx: Tx, projector: string, partition: number): Promise<Set<string>> {
  const rows = await tx
    .selectDistinct({ aggregateId: deadLetters.aggregateId })
    .from(deadLetters)
    .where(and(eq(deadLetters.projector, projector), eq(deadLetters.partition, partition)));
  return new Set(rows.map((r) => r.aggregateId));
}

async function park(
  tx: Tx,
  projector: string,
  partition: number,
  entry: Entry,
  facts: EntryFacts,
  how: { status: 'failed' | 'blocked'; error: string | null; attempts: number },
) {
  const { aggregateId, organizationId, eventId, type } = facts;
  await tx
    .insert(deadLetters)
    .values({ projector, partition, streamId: entry.id, entry: entry.fields ?? {}, aggregateId, organizationId, eventId, type, ...how })
    .onConflictDoNothing();
}
