/**
 * The one command handler: every mutation runs load → decide → append → wait.
 *
 *   1. load: the aggregate's version and write-side state, the partition's
 *      lease holder and any earlier result of the idempotency key, in one
 *      Redis round trip (all of them share the partition's hash tag);
 *   2. decide: the decider's pure `decide(command, state, context)`;
 *   3. append: the events, at the loaded version, with the state after
 *      `evolve` stored beside the new version by the same atomic script
 *      (another command that won meanwhile sends this one back to 1, up to
 *      DECIDE_ATTEMPTS times, then it is a CONFLICT);
 *   4. wait: bounded read-your-writes, so the caller's next query sees it.
 *
 * Read models are never consulted: they may lag, be rebuilt or have parked an
 * event, and commands go on. Edit this file when every command needs a new
 * step; a feature's procedure just calls `handleCommand`.
 */
import type { Logger } from 'pino';
import type { Position } from '~/lib/positions';
import { AppError, ConflictError } from '~/server/errors';
import { appendEvents, storedAppendResult, type AppendResult, type EventStore } from '~/server/events/append';
import { createCatalogue, type AnyCatalogue } from '~/server/events/catalogue';
import { fold, type AnyDecider, type CommandContext, type DecidedEvent, type Decider } from '~/server/events/decider';
import type { EventDefinition } from '~/server/events/define-event';
import type { DurabilityPolicy } from '~/server/events/durability';
import { uuidv7 } from '~/server/events/uuid';
import { readAggregates, WriteStateError, type StoredAggregate } from '~/server/events/write-state';
import type { Redis } from '~/server/redis/client';
import { partitionOf, type Keys } from '~/server/redis/keys';
import type { Observer } from '~/server/observer';

/**
 * Loads, decisions and appends a command makes before a CONFLICT reaches its
 * caller. A command that lost to a concurrent one decides again from the new
 * state (nothing of it was written, and the decider checks everything again),
 * so a CONFLICT means the aggregate is changing faster than this; with N
 * commands racing on one aggregate each loses at most N - 1 times.
 */
export const DECIDE_ATTEMPTS = 5;

/** What every mutation returns: the aggregate, whether anything changed, where its last event sits, and whether read models have it yet. */
export interface CommandResult {
  id: string;
  changed: boolean;
  /** The read-your-writes token: position of the command's last event (null when nothing changed). */
  position: Position | null;
  /** False when the bounded wait ran out before the read models passed `position`. */
  settled: boolean;
}

/** Read-your-writes, provided by the app: waits (bounded) until the read models handling `types` passed `position`. */
export type ReadYourWrites = (request: {
  organizationId: string;
  position: Position;
  types: ReadonlyArray<string>;
  /** Who held the partition's projector lease when the command loaded (null: nobody, so nothing drains it unless we do). */
  leaseHolder: string | null;
  /** True when `position` is an earlier attempt's (a retry answered from its stored result): its change notices may have been read long ago. */
  earlier?: boolean;
}) => Promise<boolean>;

/** The write side as commands use it: the Redis it lives in and how to wait for read models. */
export interface WriteSide {
  redis: Redis;
  keys: Keys;
  partitions: number;
  readYourWrites: ReadYourWrites;
  /** Which Redis may take appends (see src/server/events/durability.ts); default `require`. */
  durability?: DurabilityPolicy;
  /** Replicas each append must reach before it is acknowledged (see src/server/events/append.ts); default 0. */
  replicas?: number;
  /** Checked before every command: the app passes the key space's pairing with its database (src/server/events/identity.ts). */
  guard?: () => Promise<unknown>;
  now?: () => Date;
  /** Where each command logs what it did, with its correlation id (one line per append at info). */
  logger?: Logger;
  /** Told of every append (metrics). */
  observer?: Observer;
  /** Seals personal fields before they reach Redis (src/server/events/personal.ts); the app passes `ensureKeys` over its database. */
  personalKeys?: EventStore['personalKeys'];
}

export interface CommandRequest<S, C, D extends readonly EventDefinition[]> {
  decider: Decider<S, C, D>;
  organizationId: string;
  aggregateId: string;
  actor: CommandContext['actor'];
  command: C;
  /**
   * A retried command with the same key returns the first result and appends
   * nothing. The key is the actor's: its result is stored per (organization,
   * actor, key), so another user's key never answers for this one. A creating
   * command derives its new id from the key too (./idempotency.ts).
   */
  idempotencyKey?: string;
  /** Unique values this command reserves for the aggregate (see appendEvents). */
  claims?: ReadonlyArray<{ scope: string; value: string }>;
  /**
   * Ties the command's log lines and events (their `correlationId`) to the
   * request that caused it; a new one when not given. Projectors and reactors
   * log it with every line about those events.
   */
  correlationId?: string;
}

export async function handleCommand<S, C, const D extends readonly EventDefinition[]>(
  writeSide: WriteSide,
  request: CommandRequest<S, C, D>,
): Promise<CommandResult> {
  const { decider, organizationId, aggregateId } = request;
  const idempotencyKey = request.idempotencyKey === undefined ? undefined : `${request.actor.userId}:${request.idempotencyKey}`;
  const correlationId = request.correlationId ?? uuidv7();
  const log = writeSide.logger?.child({ correlationId, command: decider.name, aggregateId, organizationId });
  await writeSide.guard?.();
  const context: CommandContext = { actor: request.actor, now: writeSide.now?.() ?? new Date() };

  const settle = async (result: AppendResult, decided: ReadonlyArray<string>, leaseHolder: string | null): Promise<CommandResult> => {
    if (result.duplicate) assertSameAggregate(result, aggregateId);
    // A retry waits for the read models of the events its first attempt appended (all of the decider's types, if the stored result does not say).
    const types = !result.duplicate ? decided : result.types.length > 0 ? [...new Set(result.types)] : decider.events.map((e) => e.type);
    const position = result.positions.at(-1) ?? null;
    if (result.duplicate) log?.info({ eventIds: result.eventIds, position }, 'command answered from an earlier attempt with the same idempotency key');
    else log?.info({ events: result.types, eventIds: result.eventIds, position }, 'command appended');
    const settled = position ? await writeSide.readYourWrites({ organizationId, position, types, leaseHolder, earlier: result.duplicate }) : true;
    if (!settled) log?.debug({ position }, 'read models did not pass the command within the wait');
    return { id: aggregateId, changed: true, position, settled };
  };

  for (let attempt = 1; ; attempt++) {
    const loaded = await readAggregates(writeSide, organizationId, [aggregateId], idempotencyKey);
    if (loaded.previous) return settle(storedAppendResult(loaded.partition, loaded.previous), [], loaded.leaseHolder);

    const [stored = { aggregateId, version: 0, record: null }] = loaded.aggregates;
    const state = stateOf(decider, organizationId, stored);
    let events: ReadonlyArray<DecidedEvent<D>>;
    try {
      events = decider.decide(request.command, state, context);
    } catch (error) {
      if (error instanceof AppError) log?.info({ code: error.code, err: error.message }, 'command refused');
      throw error;
    }
    if (events.length === 0) {
      log?.debug('command changed nothing');
      return { id: aggregateId, changed: false, position: null, settled: true };
    }

    let result: AppendResult;
    try {
      result = await appendDecided({ ...writeSide, now: () => context.now }, decider, {
        organizationId,
        actorId: request.actor.userId,
        correlationId,
        stored,
        state,
        events,
        idempotencyKey,
        claims: request.claims?.map((claim) => ({ ...claim, owner: aggregateId })),
      });
    } catch (error) {
      if (error instanceof ConflictError && attempt < DECIDE_ATTEMPTS) {
        // Nothing was written: decide again from the state the winner left, as if this command had come a moment later.
        log?.info({ expected: error.expectedVersion, actual: error.actualVersion, attempt }, 'command lost a concurrent change; deciding again');
        continue;
      }
      if (error instanceof ConflictError) log?.info({ expected: error.expectedVersion, actual: error.actualVersion }, 'command lost a concurrent change (conflict)');
      else if (error instanceof AppError) log?.info({ code: error.code, err: error.message }, 'command refused');
      throw error;
    }
    return settle(result, [...new Set(events.map((e) => e.type))], loaded.leaseHolder);
  }
}

/**
 * A stored result answers a retry only when it is a result of the same
 * aggregate. A key first sent with a request for something else (another kind
 * of aggregate, whose id the key derived differently) is refused rather than
 * answered with a result that is not this command's.
 */
function assertSameAggregate(result: AppendResult, aggregateId: string): void {
  if (!Object.hasOwn(result.versions, aggregateId)) {
    throw new AppError('CONFLICT', 'This idempotency key was already used for another request; send a new one.');
  }
}

/** Appends a decider's events at the loaded version, with the state after them stored beside the new version. */
function appendDecided<S, C, D extends readonly EventDefinition[]>(
  writeSide: Pick<WriteSide, 'redis' | 'keys' | 'partitions' | 'durability' | 'replicas' | 'now' | 'observer' | 'personalKeys'>,
  decider: Decider<S, C, D>,
  input: {
    organizationId: string;
    actorId: string;
    correlationId?: string;
    stored: StoredAggregate;
    state: S;
    events: ReadonlyArray<DecidedEvent<D>>;
    idempotencyKey?: string;
    claims?: ReadonlyArray<{ scope: string; value: string; owner: string }>;
  },
): Promise<AppendResult> {
  const { redis, keys, partitions, durability, replicas, now, observer, personalKeys } = writeSide;
  const next = fold(decider, input.state, input.events);
  assertClaimsHeld(decider, next, input.organizationId, partitions, input.claims ?? []);
  return appendEvents(
    { redis, keys, partitions, durability, replicas, now, observer, personalKeys, catalogue: catalogueOf(decider) },
    {
      organizationId: input.organizationId,
      actorId: input.actorId,
      correlationId: input.correlationId,
      idempotencyKey: input.idempotencyKey,
      claims: input.claims,
      streams: [
        {
          aggregateId: input.stored.aggregateId,
          expectedVersion: input.stored.version,
          events: input.events,
          state: { type: decider.name, value: next },
        },
      ],
    },
  );
}

/**
 * A command's claims must be claims its aggregate holds in its new state
 * (`decider.claims`), so that they can be found from the state alone (a
 * partition switch moves them so); a value-placed claim must be appended in
 * the value's own partition, where every other claimant meets it.
 * Programming errors, thrown before anything is written.
 */
function assertClaimsHeld<S>(
  decider: Pick<Decider<S>, 'name' | 'claims'>,
  state: S,
  organizationId: string,
  partitions: number,
  claims: ReadonlyArray<{ scope: string; value: string }>,
): void {
  if (claims.length === 0) return;
  if (!decider.claims) throw new Error(`Commands of ${decider.name} claim values, so its decider must list the claims a state holds: add claims(state).`);
  const held = decider.claims(state);
  for (const claim of claims) {
    const found = held.find((h) => h.scope === claim.scope && h.value === claim.value);
    if (!found) throw new Error(`A ${decider.name} command claims ${claim.scope} "${claim.value}", which the ${decider.name} decider's claims(state) does not list.`);
    if (found.partitionBy === 'value' && partitionOf(claim.value, partitions) !== partitionOf(organizationId, partitions)) {
      throw new Error(`${claim.scope} "${claim.value}" is claimed in its value's partition, and organization ${organizationId} is not in it.`);
    }
  }
}

/** Reads the stored state of a decider's aggregate (its initial state when new). */
export async function loadState<S, C, D extends readonly EventDefinition[]>(
  writeSide: Pick<WriteSide, 'redis' | 'keys' | 'partitions'>,
  decider: Decider<S, C, D>,
  organizationId: string,
  aggregateId: string,
): Promise<{ state: S; version: number }> {
  const { aggregates } = await readAggregates(writeSide, organizationId, [aggregateId]);
  const [stored = { aggregateId, version: 0, record: null }] = aggregates;
  return { state: stateOf(decider, organizationId, stored), version: stored.version };
}

function stateOf<S>(decider: Pick<Decider<S>, 'name' | 'state' | 'initialState'>, organizationId: string, stored: StoredAggregate): S {
  if (stored.version === 0) return decider.initialState;
  if (!stored.record) throw new WriteStateError(stored.aggregateId, `version ${stored.version} has no state beside it`);
  // An id of another aggregate type or organization is simply not one of ours.
  if (stored.record.type !== decider.name || stored.record.organizationId !== organizationId) {
    throw new AppError('NOT_FOUND', `${decider.name.charAt(0).toUpperCase()}${decider.name.slice(1)} not found.`);
  }
  const state = decider.state.safeParse(stored.record.value);
  if (!state.success) throw new WriteStateError(stored.aggregateId, `its state does not match the ${decider.name} decider's schema`);
  return state.data;
}

const catalogues = new WeakMap<AnyDecider, AnyCatalogue>();

/** A decider's own events as a catalogue: an append refuses any event not of this aggregate. */
function catalogueOf(decider: AnyDecider): AnyCatalogue {
  let catalogue = catalogues.get(decider);
  if (!catalogue) {
    catalogue = createCatalogue(decider.events);
    catalogues.set(decider, catalogue);
  }
  return catalogue;
}

/** The usual caller: a procedure acting for the signed-in user within one organization. */
export interface CommandScope {
  writeSide: WriteSide;
  session: { user: { id: string; email: string } };
  organizationId: string;
  /** The request's correlation id (the tRPC kernel gives every call one). */
  correlationId?: string;
}

/** `handleCommand` for the signed-in user in their organization: the one call a procedure makes. */
export function runCommand<S, C, const D extends readonly EventDefinition[]>(
  scope: CommandScope,
  decider: Decider<S, C, D>,
  aggregateId: string,
  command: C,
  options: Pick<CommandRequest<S, C, D>, 'idempotencyKey' | 'claims'> = {},
): Promise<CommandResult> {
  const actor = { userId: scope.session.user.id, email: scope.session.user.email };
  return handleCommand(scope.writeSide, { decider, organizationId: scope.organizationId, aggregateId, actor, command, correlationId: scope.correlationId, ...options });
}

/**
 * Appends events to an aggregate as facts, without a decision: for seeds,
 * imports and tests that need a state no command reaches (an invitation that
 * expired a week ago). The stored state still follows them through `evolve`,
 * so every later command decides on it correctly.
 */
export async function recordEvents<S, C, const D extends readonly EventDefinition[]>(
  writeSide: Pick<WriteSide, 'redis' | 'keys' | 'partitions' | 'durability' | 'guard' | 'now' | 'observer' | 'personalKeys'>,
  request: { decider: Decider<S, C, D>; organizationId: string; aggregateId: string; actorId: string; events: ReadonlyArray<DecidedEvent<D>> },
): Promise<AppendResult> {
  const { decider, organizationId, aggregateId } = request;
  await writeSide.guard?.();
  const { aggregates } = await readAggregates(writeSide, organizationId, [aggregateId]);
  const [stored = { aggregateId, version: 0, record: null }] = aggregates;
  const state = stateOf(decider, organizationId, stored);
  return appendDecided(writeSide, decider, { organizationId, actorId: request.actorId, stored, state, events: request.events });
}
