/**
 * `appendEvents`: the only way events enter the log. One Lua script does it
 * atomically on one partition (all its keys share the partition's hash tag):
 *
 *   0. layout: the partition must belong to the layout this process appends
 *      under (./layout.ts), else nothing is written: another count would put
 *      the organization's events and keys in the wrong partition;
 *   1. idempotency: a key seen before returns the first result, appends nothing;
 *   2. optimistic concurrency: every aggregate must be at its expected version,
 *      else CONFLICT and nothing is written;
 *   3. unique claims: a value held by another owner fails the whole append;
 *   4. XADD of every event, new aggregate versions and write-side states
 *      (see ./decider.ts), claims, and the idempotency result (with a TTL,
 *      listed in the partition's idempotency index until it expires).
 *
 * Then it waits for persistence: WAITAOF where the server has it (Redis 7.2+);
 * otherwise the server must run with `appendfsync always`, which fsyncs before
 * replying (see the README's Guarantees); and for replicas when asked
 * (./append-acknowledgement.ts).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ClaimTakenError, ConflictError, InvalidEventError } from '~/server/errors';
import { report, type AppendOutcome, type Observer } from '~/server/observer';
import { sendRaw, type Redis } from '~/server/redis/client';
import { EventLogUnavailableError, waitForAof, waitForReplicas } from './append-acknowledgement';
import { partitionOf, type Keys } from '~/server/redis/keys';
import type { AnyCatalogue } from './catalogue';
import { isValidatedDraft, type EventDefinition, type EventDraft } from './define-event';
import { seal } from './personal';
import { assertDurable, type DurabilityPolicy } from './durability';
import { encodeState } from './write-state';
import { assertPartitionLayout, fillPartitionLayout, layoutValue } from './layout';
import { DEFAULT_IDEMPOTENCY_TTL_SECONDS, idempotencyIndexEntry, storedAppendResult } from './idempotency-records';

export { storedAppendResult } from './idempotency-records';
import type { Position, RawEnvelope } from './envelope';
import { uuidv7 } from './uuid';

// KEYS: the stream; the partition's layout key; each aggregate's version and state; each claim; the idempotency record and
// the partition's idempotency index, only when the command has a key.
// ARGV: aggregate count, claim count, the claims' owner, the layout this process appends under ("4"); each aggregate's
// expected version, new version and state ('' = none); the envelopes; then, only with an idempotency key, the record's TTL,
// its index entry and the result's meta.
// Only what the command uses is passed: every argument costs on both ends, on every append.
const APPEND_SCRIPT = `
local layout = redis.call('GET', KEYS[2])
if layout ~= ARGV[4] then
  if not layout then return {-3} end
  return {-4, layout}
end
local n_aggs = tonumber(ARGV[1])
local n_claims = tonumber(ARGV[2])
local owner = ARGV[3]
local aggs_at = 5
local events_at = aggs_at + n_aggs * 3
local claims_at = 2 + n_aggs * 2
local idem = KEYS[claims_at + n_claims + 1]
local n_events = #ARGV - events_at + 1
if idem then
  n_events = n_events - 3
  local previous = redis.call('GET', idem)
  if previous then return {0, previous} end
end
for i = 1, n_aggs do
  local current = tonumber(redis.call('GET', KEYS[1 + i * 2]) or '0')
  local expected = tonumber(ARGV[aggs_at + (i - 1) * 3])
  if current ~= expected then return {-1, i, current} end
end
for i = 1, n_claims do
  local holder = redis.call('GET', KEYS[claims_at + i])
  if holder and holder ~= owner then return {-2, i} end
end
local reply = {1}
for i = 1, n_events do
  reply[i + 1] = redis.call('XADD', KEYS[1], '*', 'e', ARGV[events_at + i - 1])
end
for i = 1, n_aggs do
  redis.call('SET', KEYS[1 + i * 2], ARGV[aggs_at + (i - 1) * 3 + 1])
  local state = ARGV[aggs_at + (i - 1) * 3 + 2]
  -- A state never outlives the version it belongs to: no new state, no old one either.
  if state == '' then redis.call('DEL', KEYS[2 + i * 2]) else redis.call('SET', KEYS[2 + i * 2], state) end
end
for i = 1, n_claims do
  redis.call('SET', KEYS[claims_at + i], owner)
end
if idem then
  local ids = {}
  for i = 1, n_events do ids[i] = reply[i + 1] end
  local ttl = tonumber(ARGV[#ARGV - 2])
  redis.call('SET', idem, cjson.encode({ids = ids, meta = ARGV[#ARGV]}), 'EX', ttl)
  -- Indexed until it expires, so a partition switch finds every live record without scanning (expired entries go as new ones come).
  local index = KEYS[claims_at + n_claims + 2]
  local now = tonumber(redis.call('TIME')[1])
  redis.call('ZREMRANGEBYSCORE', index, '-inf', now)
  redis.call('ZADD', index, now + ttl, ARGV[#ARGV - 1])
end
return reply
`;
const APPEND_SHA = createHash('sha1').update(APPEND_SCRIPT).digest('hex');

export interface AppendStream {
  aggregateId: string;
  /** The version the command decided on: 0 for a new aggregate. */
  expectedVersion: number;
  events: ReadonlyArray<EventDraft>;
  /**
   * The aggregate's write-side state after these events (the fold of its
   * decider's `evolve`), stored beside the new version. Without one, any
   * stored state is removed: a state never outlives its version.
   */
  state?: { type: string; value: unknown };
}

export interface AppendInput {
  organizationId: string;
  actorId: string;
  /** Ties together everything one user action caused; defaults to a new id. */
  correlationId?: string;
  /** The event or request that caused this command. */
  causationId?: string | null;
  /** A retried command with the same key returns the first result and appends nothing. */
  idempotencyKey?: string;
  streams: ReadonlyArray<AppendStream>;
  /** Unique values this command reserves, for `owner` (usually the aggregate id). */
  claims?: ReadonlyArray<{ scope: string; value: string; owner: string }>;
}

export interface AppendResult {
  partition: number;
  /** Position of each event, in append order. The last one is the read-your-writes token. */
  positions: Position[];
  eventIds: string[];
  /** Type of each event, in append order: what a retry answered from the stored result waits for (read-your-writes). */
  types: string[];
  /** New version of each aggregate. */
  versions: Record<string, number>;
  /** True when this was a retry answered from the idempotency record. */
  duplicate: boolean;
}

export interface EventStore {
  redis: Redis;
  keys: Keys;
  catalogue: AnyCatalogue;
  partitions: number;
  /** How long an idempotency result is kept. Default 24 h. */
  idempotencyTtlSeconds?: number;
  /** Which servers may take appends (see ./durability.ts). Default: only those that prove every write is on disk. */
  durability?: DurabilityPolicy;
  /**
   * Replicas that must have each append before it is acknowledged (`WAIT`); default 0. With
   * replicas, a failover promotes one; an append it had not received would be lost with the old master.
   */
  replicas?: number;
  now?: () => Date;
  /** Told of every append's outcome and latency (metrics); never fails it. */
  observer?: Observer;
  /**
   * The data keys of these subjects, created on first use (`ensureKeys`,
   * ./personal-keys.ts): events with personal fields are sealed with them
   * before they reach Redis. Without it such events are refused.
   */
  personalKeys?: (subjects: ReadonlyArray<string>) => Promise<ReadonlyMap<string, Buffer>>;
}

const MAX_EVENTS_PER_APPEND = 100;
const MAX_ENVELOPE_BYTES = 64 * 1024;

export async function appendEvents(store: EventStore, input: AppendInput): Promise<AppendResult> {
  if (!store.observer) return append(store, input);
  const started = performance.now();
  const tell = (outcome: AppendOutcome, types: ReadonlyArray<string>, conflictOn?: string) =>
    report(store.observer, (o) => o.append?.({ outcome, seconds: (performance.now() - started) / 1000, types, conflictOn }));
  try {
    const result = await append(store, input);
    tell(result.duplicate ? 'duplicate' : 'appended', result.duplicate ? [] : result.types);
    return result;
  } catch (error) {
    if (error instanceof ConflictError) tell('conflict', [], input.streams.find((s) => s.aggregateId === error.aggregateId)?.state?.type ?? 'unknown');
    else tell(error instanceof ClaimTakenError ? 'claim-taken' : 'failed', []);
    throw error;
  }
}

async function append(store: EventStore, input: AppendInput): Promise<AppendResult> {
  const { streams, organizationId } = input;
  if (streams.length === 0) throw new InvalidEventError('Nothing to append.');
  const partition = partitionOf(organizationId, store.partitions);
  const now = store.now ? store.now().toISOString() : isoNow();
  const correlationId = input.correlationId ?? uuidv7();
  const causationId = input.causationId ?? null;
  const { keys } = store;
  const claims = input.claims ?? [];

  // The script's keys and arguments are built as the drafts are checked (layout: see APPEND_SCRIPT).
  const scriptKeys = [keys.stream(partition), keys.layout(partition)];
  const aggregateArgs: string[] = [];
  const envelopes: string[] = [];
  const eventIds: string[] = [];
  const types: string[] = [];
  const drafted: Array<{ envelope: RawEnvelope; personal: { subject: string; fields: ReadonlyArray<string> } | null }> = [];
  const versions: Record<string, number> = {};
  const seen = new Set<string>();
  for (const stream of streams) {
    const { aggregateId, expectedVersion, events } = stream;
    if (seen.has(aggregateId)) throw new InvalidEventError(`Aggregate ${aggregateId} appears twice in one append.`);
    seen.add(aggregateId);
    if (!Number.isInteger(expectedVersion) || expectedVersion < 0) {
      throw new InvalidEventError(`Expected version of ${aggregateId} must be an integer ≥ 0.`);
    }
    let aggregateVersion = expectedVersion;
    for (const draft of events) {
      aggregateVersion += 1;
      const definition = store.catalogue.get(draft.type);
      if (!definition) throw new InvalidEventError(`Unknown event type "${draft.type}": add it to the catalogue.`);
      // Drafts from definition.create() were parsed already; hand-made ones are parsed here.
      const data = isValidatedDraft(draft) ? { data: draft.data } : definition.data.safeParse(draft.data);
      if ('error' in data && data.error) throw new InvalidEventError(`Invalid data for ${draft.type}: ${z.prettifyError(data.error)}`);
      const id = uuidv7();
      const envelope: RawEnvelope = {
        id,
        type: draft.type,
        v: definition.version,
        aggregateId,
        aggregateVersion,
        organizationId,
        actorId: input.actorId,
        correlationId,
        causationId,
        occurredAt: now,
        data: data.data,
      };
      drafted.push({ envelope, personal: personalOf(definition, envelope.data) });
      eventIds.push(id);
      types.push(draft.type);
    }
    versions[aggregateId] = aggregateVersion;
    scriptKeys.push(keys.version(partition, aggregateId), keys.state(partition, aggregateId));
    aggregateArgs.push(
      String(expectedVersion),
      String(aggregateVersion),
      stream.state ? encodeState({ type: stream.state.type, organizationId, value: stream.state.value }) : '',
    );
  }
  const sealing = await keysToSeal(store, drafted);
  for (const { envelope, personal } of drafted) {
    const key = personal && sealing.get(personal.subject);
    if (personal && !key) throw new Error(`No data key for ${personal.subject}.`);
    // The data parsed above is an object whenever its type has personal fields (defineEvent requires z.object).
    const data = personal && key ? seal(envelope.data as Record<string, unknown>, personal, key) : envelope.data;
    const json = JSON.stringify(data === envelope.data ? envelope : { ...envelope, data });
    if (json.length > MAX_ENVELOPE_BYTES) throw new InvalidEventError(`Event ${envelope.type} is larger than ${MAX_ENVELOPE_BYTES} bytes.`);
    envelopes.push(json);
  }
  if (envelopes.length === 0) throw new InvalidEventError('Nothing to append.');
  if (envelopes.length > MAX_EVENTS_PER_APPEND) throw new InvalidEventError(`At most ${MAX_EVENTS_PER_APPEND} events per append.`);

  const owner = claims[0]?.owner ?? '';
  for (const claim of claims) {
    if (claim.owner !== owner) throw new InvalidEventError('All claims of one append must have one owner.');
    scriptKeys.push(keys.claim(partition, claim.scope, claim.value));
  }
  const args = [String(streams.length), String(claims.length), owner, layoutValue(store.partitions), ...aggregateArgs, ...envelopes];
  if (input.idempotencyKey) {
    scriptKeys.push(keys.idempotency(partition, organizationId, input.idempotencyKey), keys.idempotencyIndex(partition));
    // Stored only for idempotent commands: what a retry is answered with.
    args.push(
      String(store.idempotencyTtlSeconds ?? DEFAULT_IDEMPOTENCY_TTL_SECONDS),
      idempotencyIndexEntry(organizationId, input.idempotencyKey),
      JSON.stringify({ eventIds, types, versions, partition }),
    );
  }

  // Asked before the script runs: if the question fails, or the answer is no, nothing has been written.
  const { waitAof } = await assertDurable(store.redis, store.durability ?? 'require');
  let reply = readReply(await evalAppend(store.redis, scriptKeys, args));
  if (reply.kind === 'unrecorded') {
    // A fresh key space (or partition): record the layout, then the script runs again. Once per partition and key space.
    await fillPartitionLayout(store.redis, keys, store.partitions, partition);
    reply = readReply(await evalAppend(store.redis, scriptKeys, args));
  }
  switch (reply.kind) {
    case 'unrecorded':
      throw new Error(`The layout of partition ${partition} could not be recorded in Redis; try again.`);
    case 'layout':
      assertPartitionLayout(reply.value, store.partitions);
      throw new Error(`Partition ${partition} refused the append for its layout "${reply.value}".`); // unreachable: the value differs, so the line above threw
    case 'conflict': {
      const stream = streams[reply.index - 1];
      throw new ConflictError(stream?.aggregateId ?? '?', stream?.expectedVersion ?? -1, reply.actual);
    }
    case 'claim-taken': {
      const claim = claims[reply.index - 1];
      throw new ClaimTakenError(claim?.scope ?? '?', claim?.value ?? '?');
    }
    case 'duplicate': {
      if (waitAof) await waitForAof(store.redis, scriptKeys[0] ?? '');
      if (store.replicas) await waitForReplicas(store.redis, scriptKeys[0] ?? '', store.replicas);
      return storedAppendResult(partition, reply.stored);
    }
    case 'appended': {
      if (waitAof) await waitForAof(store.redis, scriptKeys[0] ?? '');
      if (store.replicas) await waitForReplicas(store.redis, scriptKeys[0] ?? '', store.replicas);
      return { partition, positions: reply.ids.map((id) => ({ partition, id })), eventIds, types, versions, duplicate: false };
    }
  }
}

/** Whose personal data an event's data holds, if its type has personal fields. */
function personalOf(definition: EventDefinition, data: unknown): { subject: string; fields: ReadonlyArray<string> } | null {
  if (!definition.personal) return null;
  return { subject: definition.personal.subject(data), fields: definition.personal.fields };
}

/** The keys an append's personal fields are sealed with, in one call (none when no event has any). */
async function keysToSeal(store: EventStore, drafted: ReadonlyArray<{ personal: { subject: string } | null }>): Promise<ReadonlyMap<string, Buffer>> {
  const subjects = drafted.flatMap((d) => (d.personal ? [d.personal.subject] : []));
  if (subjects.length === 0) return new Map();
  if (!store.personalKeys) throw new InvalidEventError('These events hold personal data, and this event store has no personalKeys to seal it with.');
  return store.personalKeys(subjects);
}

let isoMs = Number.NaN;
let iso = '';

/** Now, in ISO 8601. Formatting a date costs more than the rest of an envelope; one string serves each millisecond. */
function isoNow(): string {
  const ms = Date.now();
  if (ms !== isoMs) {
    iso = new Date(ms).toISOString();
    isoMs = ms;
  }
  return iso;
}

type ScriptReply =
  | { kind: 'unrecorded' }
  | { kind: 'layout'; value: string }
  | { kind: 'appended'; ids: string[] }
  | { kind: 'duplicate'; stored: string }
  | { kind: 'conflict'; index: number; actual: number }
  | { kind: 'claim-taken'; index: number };

/** Reads the script's reply (checked by hand: this runs on every append). */
function readReply(raw: unknown): ScriptReply {
  if (Array.isArray(raw)) {
    const [status, ...rest] = raw;
    if (status === 1 && rest.every((id) => typeof id === 'string')) return { kind: 'appended', ids: rest };
    if (status === 0 && typeof rest[0] === 'string') return { kind: 'duplicate', stored: rest[0] };
    if (status === -1 && typeof rest[0] === 'number' && typeof rest[1] === 'number') return { kind: 'conflict', index: rest[0], actual: rest[1] };
    if (status === -2 && typeof rest[0] === 'number') return { kind: 'claim-taken', index: rest[0] };
    if (status === -3) return { kind: 'unrecorded' };
    if (status === -4 && typeof rest[0] === 'string') return { kind: 'layout', value: rest[0] };
  }
  throw new Error(`Unexpected reply from the append script: ${JSON.stringify(raw)}`);
}

/** Runs the script: sent as a raw command, since the typed `evalSha` costs two more promises and a parse on every append. */
async function evalAppend(redis: Redis, keys: string[], args: string[]): Promise<unknown> {
  try {
    try {
      return await sendRaw(redis, keys[0] ?? '', ['EVALSHA', APPEND_SHA, String(keys.length), ...keys, ...args]);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return await sendRaw(redis, keys[0] ?? '', ['EVAL', APPEND_SCRIPT, String(keys.length), ...keys, ...args]);
    }
  } catch (error) {
    throw EventLogUnavailableError.from(error) ?? error;
  }
}

export { EventLogUnavailableError } from './append-acknowledgement';
