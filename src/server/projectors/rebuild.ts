/**
 * Rebuilding one read model without downtime: `rebuildProjection` builds the
 * projector's tables afresh from the whole log while the live projector goes
 * on serving (and updating) the old ones, then switches readers over in one
 * transaction.
 *
 * 1. **Shadow tables.** Empty copies of the tables the projector owns
 *    (`projector.tables`), and of the checkpoint and dead-letter tables, in a
 *    schema of their own, `rebuild_<projector>` (./rebuild-tables.ts).
 * 2. **Catch up.** Each partition's log, from the archive (`event_log`) and
 *    then the stream tail beyond it (./log-source.ts), epoch by epoch after
 *    partition switches (~/server/events/layout-history.ts), goes through the very
 *    batch transaction the runtime uses (./apply-batch.ts) with `search_path`
 *    pointing at the shadow schema: the same handlers write the shadow
 *    tables, a shadow checkpoint advances with them, and a poison event is
 *    retried and parked in the shadow dead letters exactly as live. Passes
 *    repeat until one finds little new (appends go on meanwhile).
 * 3. **Switch.** One transaction locks the projector's live checkpoint rows
 *    (the live runtime's next batch of it waits), applies the last of the
 *    tail to the shadow, drops the old tables and moves the shadow ones in
 *    under the same names, sets the live checkpoints to the shadow ones and
 *    replaces the projector's dead letters with the shadow's. Readers that
 *    arrive meanwhile wait on the tables' locks for a moment and then read
 *    the new tables: they see the old tables or the new ones, never a
 *    half-built one. The live runtime then goes on from the new checkpoints
 *    (entries up to them are acknowledged without being applied again). A
 *    switch that cannot get its locks within `LOCK_TIMEOUT` rolls back and is
 *    tried again; the shadow stays as it was.
 *
 * The archive and reactors cannot be rebuilt (the archive is the source; a
 * reactor's effects are outside the database). One rebuild per projector at
 * a time (an advisory lock). Takes a little longer than replaying the log
 * through the projector (the README's "Rebuilding a read model" has
 * figures); the app serves throughout.
 */
import type { Logger } from 'pino';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '~/server/db/client';
import { projectorCheckpoints } from '~/server/db/event-core-schema';
import type { AnyCatalogue } from '~/server/events/catalogue';
import { AppError } from '~/server/errors';
import { compareStreamIds } from '~/server/events/envelope';
import { endedEpochs, logSegments, partitionsEverUsed, type LogSegment } from '~/server/events/layout-history';
import type { Redis } from '~/server/redis/client';
import type { Keys } from '~/server/redis/keys';
import { applyBatch, type BatchDeps, type Transactor } from './apply-batch';
import { ARCHIVE_PROJECTOR } from './archive';
import type { Projector, Tx } from './define-projector';
import { nextLogPage } from './log-source';
import { streamLengths, trackProgress, type RebuildProgress } from './rebuild-progress';
import { analyzeShadow, createShadow, dropShadow, inShadow, liveTables, shadowSchemaOf, swapTables, type LiveTable } from './rebuild-tables';

export type { RebuildProgress } from './rebuild-progress';

const PAGE = 1_000;
/** A catch-up pass that found fewer new events than this is close enough to the tip to switch. */
const NEAR_TIP = 2_000;
const MAX_PASSES = 20;
const LOCK_TIMEOUT = '5s';
const SWITCH_ATTEMPTS = 5;

export interface RebuildOptions {
  db: Db;
  redis: Redis;
  keys: Keys;
  catalogue: AnyCatalogue;
  partitions: number;
  /** Every projector the app runs; `name` must be a rebuildable one of them. */
  projectors: ReadonlyArray<Projector>;
  name: string;
  logger: Logger;
  /** Handler attempts per event before it is parked, as the runtime's `maxAttempts`. */
  maxAttempts?: number;
  onProgress?: (progress: RebuildProgress) => void;
  /** Stops the rebuild before its switch (the process is shutting down): the old tables stay, the shadow is dropped. */
  signal?: AbortSignal;
}

export interface RebuildResult {
  projector: string;
  /** Log entries applied or parked. */
  events: number;
  /** Dead letters the projector has after the rebuild. */
  parked: number;
  ms: number;
}

/** The projectors a rebuild accepts: all but the archive and reactors. */
export function rebuildableProjectors(projectors: ReadonlyArray<Projector>): Projector[] {
  return projectors.filter((p) => p.kind === 'projector' && p.name !== ARCHIVE_PROJECTOR && p.tables.length > 0);
}

export function rebuildableProjector(projectors: ReadonlyArray<Projector>, name: string): Projector {
  const rebuildable = rebuildableProjectors(projectors);
  const found = rebuildable.find((p) => p.name === name);
  if (found) return found;
  const names = rebuildable.map((p) => p.name).join(', ');
  const known = projectors.find((p) => p.name === name);
  const why = !known ? `There is no projector "${name}".` : known.kind === 'reactor' ? `"${name}" is a reactor: its effects are outside the database.` : `"${name}" is the archive every rebuild reads.`;
  throw new AppError('BAD_REQUEST', `${why} Rebuildable projectors: ${names}.`);
}

export async function rebuildProjection(opts: RebuildOptions): Promise<RebuildResult> {
  const projector = rebuildableProjector(opts.projectors, opts.name);
  const started = Date.now();
  const lock = await opts.db.$client.reserve();
  try {
    const [held] = await lock<Array<{ held: boolean }>>`select pg_try_advisory_lock(hashtext(${`streamline:rebuild:${projector.name}`})) as held`;
    if (!held?.held) throw new AppError('CONFLICT', `A rebuild of ${projector.name} is already running.`);
    try {
      return await rebuildLocked(opts, projector, started);
    } finally {
      await lock`select pg_advisory_unlock(hashtext(${`streamline:rebuild:${projector.name}`}))`;
    }
  } finally {
    lock.release();
  }
}

async function rebuildLocked(opts: RebuildOptions, projector: Projector, started: number): Promise<RebuildResult> {
  const { db } = opts;
  const log = opts.logger.child({ component: 'rebuild', projector: projector.name });
  const shadow = shadowSchemaOf(projector.name);
  const tables = await liveTables(db, projector.tables);
  // After partition switches: every stream the log ever used, read epoch by epoch.
  const ended = await endedEpochs(db);
  const partitions = partitionsEverUsed(ended, opts.partitions);
  const segments = logSegments(ended, opts.partitions);
  const progress = trackProgress(await streamLengths(opts.redis, opts.keys, partitions), opts.onProgress);
  await createShadow(db, { shadow, tables, projector: projector.name, partitions });
  log.info({ tables: projector.tables, shadow }, 'rebuild started');
  try {
    const deps: BatchDeps = {
      db: inShadow(db, shadow),
      catalogue: opts.catalogue,
      maxAttempts: opts.maxAttempts ?? 3,
      log,
      // Pages of the log continue right after the shadow checkpoint by construction.
      contiguousRun: async (_partition, _afterId, entries) => entries,
    };
    const positions = Array.from({ length: partitions }, () => '0-0');
    const source: Source = { opts, projector, deps, reader: db, partitions, segments };
    for (let pass = 1; pass <= MAX_PASSES; pass++) {
      let found = 0;
      for (const segment of segments) found += await catchUp(source, segment, positions, progress.add);
      progress.refresh(await streamLengths(opts.redis, opts.keys, partitions));
      log.info({ pass, events: found }, 'catch-up pass');
      if (found < NEAR_TIP) break;
    }
    await analyzeShadow(db, shadow, tables);
    const parked = await switchOver(source, { shadow, tables, positions, add: progress.add }, log);
    const result = { projector: projector.name, events: progress.done(), parked, ms: Date.now() - started };
    progress.finish();
    log.info(result, 'rebuild switched in');
    return result;
  } catch (error) {
    await dropShadow(db, shadow).catch(() => undefined);
    throw error;
  }
}

/** Where a catch-up reads the log from and applies it to. */
interface Source {
  opts: RebuildOptions;
  projector: Projector;
  /** Batch transactions on the shadow tables. */
  deps: BatchDeps;
  /** Reads the archive: the database, or the switch's transaction. */
  reader: Pick<Tx, 'select'>;
  /** Every partition the log ever used, and the order its stretches are read in. */
  partitions: number;
  segments: ReadonlyArray<LogSegment>;
}

/** Applies the partition's log after its shadow position to the shadow tables, up to the segment's end (or the tip); returns the entries applied. */
async function catchUp(source: Source, segment: LogSegment, positions: string[], add: (n: number) => void): Promise<number> {
  const { opts, projector, deps, reader } = source;
  const { partition, upTo } = segment;
  let applied = 0;
  for (;;) {
    if (opts.signal?.aborted) throw new Error(`The rebuild of ${projector.name} was stopped before it switched in; the old tables stay.`);
    const after = positions[partition] ?? '0-0';
    const read = await nextLogPage({ db: reader, redis: opts.redis, keys: opts.keys, partition, after, limit: PAGE });
    // An ended epoch's stretch stops at its cutoff: what follows in this stream belongs to a later layout.
    const page = upTo === null ? read : read.filter((entry) => compareStreamIds(entry.id, upTo) <= 0);
    if (page.length === 0) return applied;
    const result = await applyBatch(deps, projector, partition, 0, page, false);
    positions[partition] = result.lastId;
    applied += page.length;
    add(page.length);
  }
}

interface Shadow {
  shadow: string;
  tables: ReadonlyArray<LiveTable>;
  positions: string[];
  add: (n: number) => void;
}

/** The switch transaction, tried again when its locks time out. Returns the projector's dead letters after it. */
async function switchOver(source: Source, s: Shadow, log: Logger): Promise<number> {
  const { opts, projector } = source;
  for (let attempt = 1; ; attempt++) {
    const positions = [...s.positions];
    let tail = 0;
    try {
      const parked = await opts.db.transaction(async (tx) => {
        await tx.execute(sql.raw(`set local lock_timeout = '${LOCK_TIMEOUT}'`));
        // Every partition's row exists and is locked: the live projector's batches wait for the commit.
        await tx.insert(projectorCheckpoints).values(Array.from({ length: source.partitions }, (_, partition) => ({ projector: projector.name, partition }))).onConflictDoNothing();
        await tx.select({ partition: projectorCheckpoints.partition }).from(projectorCheckpoints).where(eq(projectorCheckpoints.projector, projector.name)).for('update');
        const [path] = await tx.execute<{ path: string }>(sql`select current_setting('search_path') as path`);
        const inTx: Source = { ...source, deps: { ...source.deps, db: inShadow(tx satisfies Transactor, s.shadow) }, reader: tx };
        for (const segment of source.segments) await catchUp(inTx, segment, positions, (n) => (tail += n));
        await tx.execute(sql`select set_config('search_path', ${path?.path ?? 'public'}, true)`);
        const parked = await swapTables(tx, { shadow: s.shadow, tables: s.tables, projector: projector.name });
        await dropShadow(tx, s.shadow);
        return parked;
      });
      s.add(tail);
      return parked;
    } catch (error) {
      if (attempt >= SWITCH_ATTEMPTS || !isLockTimeout(error)) throw error;
      log.warn({ attempt }, 'switch waited too long for its locks; trying again');
    }
  }
}

function isLockTimeout(error: unknown): boolean {
  for (let e: unknown = error; typeof e === 'object' && e !== null; e = Reflect.get(e, 'cause')) {
    if (Reflect.get(e, 'code') === '55P03') return true; // lock_not_available
  }
  return false;
}
