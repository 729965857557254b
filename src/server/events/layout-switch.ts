/**
 * Switching the partition count of a live event log (`npm run partitions --
 * switch <M>`), in steps recorded in the layout record (./layout.ts), so a
 * run that was interrupted is finished by running it again:
 *
 *   1. refuse, changing nothing, when M is the count already, a worker is
 *      still running (with the old count, necessarily), an event is parked in
 *      the dead letters, or idempotency records may predate their index;
 *   2. freeze: every partition key says "N>M"; from then on the append script
 *      and every command's load refuse with PartitionFrozenError (retryable);
 *   3. wait (bounded) until every projector, the archive and reactors
 *      included, has committed every entry of the old partitions, draining
 *      them itself where no worker does; if they do not, or something gets
 *      parked, unfreeze and refuse: nothing has changed;
 *   4. carry the write side over to the new partitions (./layout-carry.ts);
 *   5. end the epoch in `partition_layouts` (the old partitions' last ids),
 *      set every partition key to "M", record M: appends go on, now only from
 *      processes with EVENT_PARTITIONS=M.
 *
 * Everything of the old layout is applied by every projector before anything
 * of the new one is appended, so each organization's events reach every
 * read model in order although they continue in another stream; checkpoints
 * stay valid, since stream ids only grow within a stream key.
 */
import type { Db } from '~/server/db/client';
import type { Redis } from '~/server/redis/client';
import { MAX_PARTITIONS, type Keys } from '~/server/redis/keys';
import { DEFAULT_IDEMPOTENCY_TTL_SECONDS } from './idempotency-records';
import type { AnyDecider } from './decider';
import { carryWriteSide, type CarryCounts } from './layout-carry';
import { currentEpoch, recordEpochEnd } from './layout-history';
import { frozenValue, layoutValue, readLayoutRecord, recordLayout, setPartitionLayouts, writeLayoutRecord, type LayoutRecord } from './layout';

/** A projector not yet past the tip of an old partition. */
export interface Behind {
  projector: string;
  partition: number;
  at: string;
  tip: string;
}

/** A parked event, as a refusal names it. */
export interface Parked {
  projector: string;
  partition: number;
  streamId: string;
  type: string | null;
  error: string | null;
}

export interface SwitchDeps {
  db: Db;
  redis: Redis;
  keys: Keys;
  deciders: ReadonlyArray<AnyDecider>;
  /** The count this deployment runs with (EVENT_PARTITIONS): recorded as the layout if none is recorded yet. */
  configured: number;
  /** Drives the projectors until all have committed each old partition up to `tips[p]`, for at most `ms`; returns who is still behind. */
  catchUp: (tips: ReadonlyArray<string>, ms: number) => Promise<Behind[]>;
  /** Events parked in the dead letters (at most a few) and how many there are. */
  parked: () => Promise<{ count: number; first: Parked[] }>;
  /** Ids of workers whose heartbeat is recent. */
  liveWorkers: () => Promise<string[]>;
  idempotencyTtlSeconds?: number;
  onProgress?: (line: string) => void;
  now?: () => Date;
}

export type SwitchOutcome = { ok: true; from: number; to: number; resumed: boolean; carried: CarryCounts } | { ok: false; reason: string };

export async function switchPartitions(deps: SwitchDeps, to: number, opts: { timeoutMs: number }): Promise<SwitchOutcome> {
  const say = (line: string) => deps.onProgress?.(line);
  const refuse = (reason: string): SwitchOutcome => ({ ok: false, reason });
  if (!Number.isInteger(to) || to < 1 || to > MAX_PARTITIONS) return refuse(`The partition count must be a whole number from 1 to ${MAX_PARTITIONS}; got ${to}.`);
  let record = await recordLayout(deps.redis, deps.keys, deps.configured);
  const from = record.partitions;
  const resumed = record.switching !== null;
  if (record.switching) {
    if (record.switching.to !== to) {
      return refuse(`A switch from ${from} to ${record.switching.to} partitions is under way: run \`npm run partitions -- switch ${record.switching.to}\` to finish it.`);
    }
    say(`Resuming the switch from ${from} to ${to} partitions (started ${record.switching.startedAt}, ${record.switching.phase === 'frozen' ? 'waiting for projectors' : 'carrying the write side over'}).`);
  } else {
    if (from === to) {
      await setPartitionLayouts(deps.redis, deps.keys, layoutValue(to)); // a run that died after recording M left nothing else to do
      return refuse(`The event log is laid out in ${to} partitions already.`);
    }
    const refusal = await preflight(deps, record);
    if (refusal) return refuse(refusal);
    // Redis may have lost its data since the last switch (and the layout been recorded again, at epoch 0): the database's history knows the epoch.
    const history = await currentEpoch(deps.db);
    if (history && history.partitions !== from) {
      return refuse(`Redis records ${from} partitions, but the database's layout history ends with ${history.partitions} (epoch ${history.epoch}): run every process with EVENT_PARTITIONS=${history.partitions}, or find out which is right, before switching.`);
    }
    record = { ...record, epoch: Math.max(record.epoch, history?.epoch ?? 0), switching: { to, phase: 'frozen', startedAt: (deps.now?.() ?? new Date()).toISOString(), cutoffs: null } };
    await writeLayoutRecord(deps.redis, deps.keys, record);
  }

  if (record.switching?.phase === 'frozen') {
    await setPartitionLayouts(deps.redis, deps.keys, frozenValue(from, to));
    say(`Froze appends on every partition (${from} → ${to}): commands are refused, retryably, until the switch ends.`);
    const tips = await streamTips(deps, from);
    say(`Waiting (at most ${Math.round(opts.timeoutMs / 1000)} s) until every projector has committed every entry of the ${from} old partitions…`);
    const behind = await deps.catchUp(tips, opts.timeoutMs);
    const parked = behind.length === 0 ? await deps.parked() : { count: 0, first: [] };
    if (behind.length > 0 || parked.count > 0) {
      await unfreeze(deps, record);
      const why = behind.length > 0 ? `The projectors did not catch up within ${Math.round(opts.timeoutMs / 1000)} s (${behind.slice(0, 3).map(describeBehind).join('; ')}${behind.length > 3 ? '; …' : ''})` : parkedReason(parked);
      return refuse(`${why}. Unfrozen: the layout stays ${from} partitions.`);
    }
    say('Every projector has committed every entry of the old partitions.');
    record = { ...record, switching: { ...record.switching, phase: 'carrying', cutoffs: tips } };
    await writeLayoutRecord(deps.redis, deps.keys, record);
  }

  const cutoffs = record.switching?.cutoffs;
  if (!cutoffs) throw new Error('The layout record says the write side is being carried over but holds no cutoffs; it was changed by hand.');
  say(`Carrying the write side over from ${from} to ${to} partitions…`);
  const carried = await carryWriteSide({ db: deps.db, redis: deps.redis, keys: deps.keys, deciders: deps.deciders, from, to, onProgress: say });
  await recordEpochEnd(deps.db, { epoch: record.epoch, partitions: from, cutoffs, next: to });
  await setPartitionLayouts(deps.redis, deps.keys, layoutValue(to));
  await writeLayoutRecord(deps.redis, deps.keys, { partitions: to, epoch: record.epoch + 1, indexedSince: record.indexedSince, switching: null });
  return { ok: true, from, to, resumed, carried };
}

/** Why a switch may not start now, or null. */
async function preflight(deps: SwitchDeps, record: LayoutRecord): Promise<string | null> {
  const workers = await deps.liveWorkers();
  if (workers.length > 0) {
    const names = workers.slice(0, 3).join(', ') + (workers.length > 3 ? ', …' : '');
    return `${workers.length} worker${workers.length === 1 ? '' : 's'} still run${workers.length === 1 ? 's' : ''} with EVENT_PARTITIONS=${record.partitions} (${names}): stop them first, and start them again with the new count once the switch has finished.`;
  }
  const parked = await deps.parked();
  if (parked.count > 0) return parkedReason(parked);
  if (record.indexedSince) {
    const until = new Date(Date.parse(record.indexedSince) + (deps.idempotencyTtlSeconds ?? DEFAULT_IDEMPOTENCY_TTL_SECONDS) * 1000);
    if ((deps.now?.() ?? new Date()) < until) {
      return `Idempotency records written before the layout was recorded (${record.indexedSince}) are not indexed, so they could not be carried over; they have all expired at ${until.toISOString()}: switch after that.`;
    }
  }
  return null;
}

function parkedReason(parked: { count: number; first: Parked[] }): string {
  const listed = parked.first.map((p) => `${p.projector} on partition ${p.partition} at ${p.streamId}${p.type ? ` (${p.type})` : ''}${p.error ? `: ${p.error}` : ''}`).join('; ');
  return `${parked.count} event${parked.count === 1 ? ' is' : 's are'} parked in the dead letters (${listed}${parked.count > parked.first.length ? '; …' : ''}): retry or skip ${parked.count === 1 ? 'it' : 'them'} on /operations first, so no organization's events are applied out of order after the switch`;
}

function describeBehind(b: Behind): string {
  return `${b.projector} on partition ${b.partition} is at ${b.at} of ${b.tip}`;
}

/** The id of each old partition's last entry ('0-0': none): where the old layout ends. */
async function streamTips(deps: SwitchDeps, partitions: number): Promise<string[]> {
  return Promise.all(
    Array.from({ length: partitions }, async (_, p) => {
      const [last] = (await deps.redis.xRevRange(deps.keys.stream(p), '+', '-', { COUNT: 1 })) ?? [];
      return last?.id ?? '0-0';
    }),
  );
}

/** Back to the old layout, before anything was carried: appends go on as before. */
async function unfreeze(deps: SwitchDeps, record: LayoutRecord): Promise<void> {
  const current = await readLayoutRecord(deps.redis, deps.keys);
  const unfrozen = { ...(current ?? record), switching: null };
  await setPartitionLayouts(deps.redis, deps.keys, layoutValue(unfrozen.partitions));
  await writeLayoutRecord(deps.redis, deps.keys, unfrozen);
}
