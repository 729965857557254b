/**
 * How one stream entry reaches one projector, wherever it comes from: the
 * runtime's batches, dead-letter retry (./dead-letters.ts) and archive
 * replay (./replay.ts) all go through `prepareEntry`, so they decode alike
 * and a reactor's effect happens once per event whichever path gets there
 * first.
 *
 * - Raw projectors get the envelope as written; the others get the event
 *   decoded (and upcast) through the catalogue.
 * - A reactor first records `(reactor, event_id)` in `reactor_effects`, in the
 *   caller's transaction, and skips the effect when the record already
 *   exists. A failing effect rolls the record back with it. Events of types
 *   it does not read are neither recorded nor applied.
 *
 * - Handlers get a logger bound to the event, its correlation id included
 *   (created only when a handler uses it).
 *
 * Edit it when the way a projector receives an event changes.
 */
import pino, { type Logger } from 'pino';
import { decodeEnvelope, type AnyCatalogue } from '~/server/events/catalogue';
import type { Position, StoredEvent } from '~/server/events/envelope';
import { sealedSubjects } from '~/server/events/personal';
import { findKeys, type KeyReader } from '~/server/events/personal-keys';
import { reactorEffects } from '~/server/db/event-core-schema';
import type { HandlerContext, Projector, RawEvent, Tx } from './define-projector';

/** What is known of an entry, decoded or not; enough to park it with its aggregate, and to log it. */
export interface EntryFacts {
  aggregateId: string;
  organizationId: string | null;
  eventId: string | null;
  type: string | null;
  /** The correlation id of the command that appended it: every log line about the entry carries it. */
  correlationId: string | null;
}

/** For callers that pass no logger (replays and retries in scripts and tests). */
const quiet = pino({ level: 'silent' });

/** The fields every log line about an entry carries. */
export function entryLogFields(projector: string, position: Position, facts: EntryFacts) {
  return { projector, partition: position.partition, entry: position.id, eventId: facts.eventId, type: facts.type, aggregateId: facts.aggregateId, correlationId: facts.correlationId };
}

/** A handler's context; its logger is made on first use, as most handlers never log. */
function contextFor(log: Logger, fields: () => Record<string, unknown>, also?: Set<string>): HandlerContext {
  let bound: Logger | undefined;
  return {
    notify(organizationId) {
      also?.add(organizationId);
    },
    get log() {
      bound ??= log.child(fields());
      return bound;
    },
  };
}

/** `skipped`: a reactor had already performed this event's effect. */
export type ApplyOutcome = 'applied' | 'skipped';

export type PreparedEntry =
  | {
      ok: true;
      facts: EntryFacts & { organizationId: string; eventId: string; type: string; correlationId: string };
      /** Whether applying it changes what live subscribers see (a handler exists for its type). */
      notifies: boolean;
      /** Other organizations whose live views the handler said it changed (`context.notify`), filled as it applies. */
      alsoNotified?: ReadonlySet<string>;
      /** Runs the projector on the entry inside `tx`. */
      apply: (tx: Tx) => Promise<ApplyOutcome>;
      /** The entry as its projector reads it, for one that applies a batch at once: the envelope as written (raw) or decoded. */
      batchable: { raw: true; event: RawEvent } | { raw: false; event: StoredEvent };
    }
  | ({ ok: false; error: string } & EntryFacts);

/**
 * Decodes `fields` the way `projector` wants them, and binds its handler (logging through `log`). Never throws.
 * `keys`: the data keys of the batch's sealed personal fields (`keysFor` below); raw projectors keep them sealed.
 */
export function prepareEntry(
  projector: Projector,
  catalogue: AnyCatalogue,
  fields: Record<string, string>,
  position: Position,
  log: Logger = quiet,
  keys?: ReadonlyMap<string, Buffer>,
): PreparedEntry {
  if (projector.raw) {
    const decoded = decodeEnvelope(fields);
    if (!decoded.ok) return decoded;
    const raw = { ...decoded.envelope, position };
    const facts = factsOf(raw);
    const context = contextFor(log, () => entryLogFields(projector.name, position, facts));
    return {
      ok: true,
      facts,
      notifies: false,
      apply: (tx) => guarded(projector, raw.id, tx, () => projector.apply(raw, tx, context)),
      batchable: { raw: true, event: raw },
    };
  }
  const decoded = catalogue.decode(fields, position, keys);
  if (!decoded.ok) return decoded;
  const event = decoded.event;
  const handled = projector.handles(event.type);
  const facts = factsOf(event);
  const also = new Set<string>();
  const context = contextFor(log, () => entryLogFields(projector.name, position, facts), also);
  return {
    ok: true,
    facts,
    notifies: handled,
    alsoNotified: also,
    // A type it does not read passes by without a statement (a reactor records only the effects it has).
    apply: handled ? (tx) => guarded(projector, event.id, tx, () => projector.apply(event, tx, context)) : async () => 'applied',
    batchable: { raw: false, event },
  };
}

/**
 * Collects prepared entries for a projector that applies a batch at once
 * (`applyBatch`), then applies them in one call: the runtime's straight run
 * and archive replay both use it. Types the projector does not read are left out.
 */
export function collectForBatch(projector: Projector) {
  const raws: RawEvent[] = [];
  const events: StoredEvent[] = [];
  return {
    add(prepared: Extract<PreparedEntry, { ok: true }>) {
      const { batchable } = prepared;
      if (batchable.raw) raws.push(batchable.event);
      else if (prepared.notifies) events.push(batchable.event);
    },
    async apply(tx: Tx) {
      if (projector.raw && raws.length > 0) await projector.applyBatch?.(raws, tx);
      if (!projector.raw && events.length > 0) await projector.applyBatch?.(events, tx);
    },
  };
}

/** The data keys a batch of entries needs to open its personal fields, in one query at most (none for raw projectors). */
export async function keysFor(projector: Projector, tx: KeyReader, entries: Iterable<Record<string, string> | null | undefined>): Promise<ReadonlyMap<string, Buffer> | undefined> {
  if (projector.raw) return undefined;
  const subjects = sealedSubjects(entries);
  return subjects.length === 0 ? new Map() : findKeys(tx, subjects);
}

async function guarded(projector: Projector, eventId: string, tx: Tx, effect: () => Promise<void>): Promise<ApplyOutcome> {
  if (projector.kind === 'reactor') {
    const inserted = await tx
      .insert(reactorEffects)
      .values({ reactor: projector.name, eventId })
      .onConflictDoNothing()
      .returning({ eventId: reactorEffects.eventId });
    if (inserted.length === 0) return 'skipped';
  }
  await effect();
  return 'applied';
}

function factsOf(event: { aggregateId: string; organizationId: string; id: string; type: string; correlationId: string }) {
  return { aggregateId: event.aggregateId, organizationId: event.organizationId, eventId: event.id, type: event.type, correlationId: event.correlationId };
}
