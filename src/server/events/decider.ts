/**
 * `defineDecider` declares one aggregate type of the write side:
 *
 *   initialState                  the state before the aggregate's first event
 *   evolve(state, event)          the state after one of its events (pure)
 *   decide(command, state, ctx)   the events a command causes, or a domain error (pure)
 *   claims(state)                 the unique values the aggregate holds (only if its commands claim any)
 *
 * The event store keeps every aggregate's state (the fold of `evolve`) beside
 * its version, written by the same atomic script that appends its events, so
 * a command decides from the aggregate's own state and never from a read
 * model. `state` parses what was stored: if `evolve` gains a field, give it a
 * default there, or run `npm run events -- rebuild-state` to fold the log again.
 *
 * Edit this file when every aggregate needs something new; a feature only
 * calls `defineDecider` in its `decider.ts`.
 */
import type { z } from 'zod';
import type { EventTypeOf } from './catalogue';
import type { EventData, EventDefinition } from './define-event';

/** One event of a decider, as `decide` returns it and `evolve` receives it: type and data only. */
export type DecidedEvent<D extends readonly EventDefinition[]> = {
  [K in EventTypeOf<D>]: { readonly type: K; readonly data: EventData<Extract<D[number], { type: K }>> };
}[EventTypeOf<D>];

/** Who issues a command, and when: the only facts from outside that a decision may use. */
export interface CommandContext {
  actor: { userId: string; email: string };
  now: Date;
}

/**
 * A unique value an aggregate holds (see `claims` in appendEvents). Where it
 * lives: in its organization's partition (`organization`, the default: unique
 * within the organization), or in the partition of the value itself
 * (`value`: unique across organizations; the command must then come from an
 * organization in that partition, as a new organization's id is drawn to be).
 */
export interface HeldClaim {
  scope: string;
  value: string;
  partitionBy?: 'organization' | 'value';
}

export interface Decider<S = unknown, C = never, D extends readonly EventDefinition[] = readonly EventDefinition[]> {
  /** The aggregate type, e.g. "task"; stored with the state, so an id of another type is never decided on. */
  readonly name: string;
  /** Every event type of this aggregate. Each type belongs to exactly one decider. */
  readonly events: D;
  /** Parses stored state (JSON). */
  readonly state: z.ZodType<S>;
  readonly initialState: S;
  evolve(state: S, event: DecidedEvent<D>): S;
  decide(command: C, state: S, context: CommandContext): ReadonlyArray<DecidedEvent<D>>;
  /**
   * The claims an aggregate in `state` holds. Required of a decider whose
   * commands claim values: a command's claims must be among them (checked as
   * it appends), so the claims can be found again from the state alone, as a
   * partition switch does when it moves them (./layout-switch.ts).
   */
  claims?(state: S): ReadonlyArray<HeldClaim>;
}

/** A decider of any state, command and events, as the machinery handles it. */
export interface AnyDecider {
  readonly name: string;
  readonly events: readonly EventDefinition[];
  readonly state: z.ZodType;
  readonly initialState: unknown;
  evolve(state: unknown, event: { type: string; data: unknown }): unknown;
  claims?(state: unknown): ReadonlyArray<HeldClaim>;
}

const NAME = /^[a-z][a-z0-9-]{0,39}$/;

export function defineDecider<S, C, const D extends readonly EventDefinition[]>(def: Decider<S, C, D>): Decider<S, C, D> {
  if (!NAME.test(def.name)) throw new Error(`Decider name "${def.name}" must be lower-case letters, digits and dashes.`);
  if (def.events.length === 0) throw new Error(`Decider "${def.name}" has no events.`);
  return def;
}

/** Folds `events` over `state` with the decider's `evolve`. */
export function fold<S, D extends readonly EventDefinition[]>(decider: Pick<Decider<S, never, D>, 'evolve'>, state: S, events: ReadonlyArray<DecidedEvent<D>>): S {
  return events.reduce((current, event) => decider.evolve(current, event), state);
}

/**
 * Ends an `evolve` switch: with every event type handled, `event` is `never`
 * here; a new event type of the aggregate makes this line a compile error
 * naming the type.
 */
export function unhandled(event: never): never {
  throw new Error(`No evolve case for ${JSON.stringify(event)}.`);
}
