/**
 * Projectors and reactors: named readers of the event log.
 *
 * A **projector** owns read tables. It lists the event types it reads
 * (`events`) and has exactly one handler per listed type: the compiler
 * refuses a missing or an extra handler, and the runtime never hands it any
 * other type. Handlers get the decoded event and the open Postgres
 * transaction; the runtime commits their writes together with the
 * checkpoint, so each event takes effect exactly once, in log order.
 *
 * Every projector names the tables it owns (`tables`; a row projector's are
 * its row sets'), so a rebuild knows what to build afresh and swap in
 * (./rebuild.ts), and two projectors never write the same table.
 *
 * A read model that reads only some of an aggregate's events must not
 * compare its row's version with the event's `aggregateVersion`: the events
 * it does not read leave gaps. Exactly-once and order come from the runtime.
 *
 * A **reactor** has effects outside the read model (mail, webhooks). The
 * runtime records each event id it reacted to, in the same transaction, so an
 * effect is attempted once per event even across replays; effects that leave
 * the database should still pass the event id on as an idempotency key.
 */
import type { Logger } from 'pino';
import type { EventOfType, EventTypeOf } from '~/server/events/catalogue';
import type { EventDefinition } from '~/server/events/define-event';
import type { Position, RawEnvelope, StoredEvent } from '~/server/events/envelope';
import { getTableName } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Db } from '~/server/db/client';
import type { RowSet } from './rows';

/** The transaction handlers write in. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/**
 * What a handler gets beside the event. `log` is bound to the event (the
 * projector, the event's id, type and correlation id): a reactor logs its
 * effects through it, so they can be found by the command that caused them.
 */
export interface HandlerContext {
  readonly log: Logger;
  /**
   * Tells the live views of another organization that this handler changed
   * its rows: for an event of one person's account (`user.renamed`) that
   * changes rows of every organization they belong to. The event's own
   * organization is always told.
   */
  notify(organizationId: string): void;
}

export type Handler<E> = (event: E, tx: Tx, context: HandlerContext) => Promise<void>;

export type Handlers<D extends readonly EventDefinition[]> = {
  [K in EventTypeOf<D>]: Handler<EventOfType<D, K>>;
};

/** An envelope as written (data not decoded or upcast) with its position. */
export type RawEvent = RawEnvelope & { position: Position };

export type Projector = {
  readonly name: string;
  readonly kind: 'projector' | 'reactor';
  /** Whether committed batches send change notices to live subscribers. */
  readonly notify: boolean;
  /**
   * The tables it owns (writes), by name: what a rebuild builds afresh and
   * swaps in (./rebuild.ts). Empty for a reactor. No two projectors of a
   * runtime may own the same table.
   */
  readonly tables: ReadonlyArray<string>;
} & (
  | {
      readonly raw: false;
      /** Applies one decoded event inside the batch's transaction. */
      apply(event: StoredEvent, tx: Tx, context: HandlerContext): Promise<void>;
      /** Whether it reads the type; only those events reach `apply` and send notices. */
      handles(type: string): boolean;
      /**
       * Optional: `apply` for many events at once (row projectors). Gets only
       * the types it handles, in log order; used like a raw projector's below.
       */
      applyBatch?(events: ReadonlyArray<StoredEvent>, tx: Tx): Promise<void>;
    }
  | {
      readonly raw: true;
      /** Receives every entry's envelope as written, known type or not. */
      apply(event: RawEvent, tx: Tx, context: HandlerContext): Promise<void>;
      /**
       * Optional: the same effect for a whole batch in a few statements. The
       * runtime uses it for a batch's first, straight run; if it throws, the
       * batch runs again entry by entry through `apply`, which also decides
       * what gets parked.
       */
      applyBatch?(events: ReadonlyArray<RawEvent>, tx: Tx): Promise<void>;
    }
);

const NAME = /^[a-z][a-z0-9-]{0,62}$/;

function checkName(name: string) {
  if (!NAME.test(name)) throw new Error(`Projector name "${name}" must be lower-case letters, digits and dashes.`);
}

function tableNames(projector: string, tables: ReadonlyArray<PgTable | string>): string[] {
  const names = [...new Set(tables.map((t) => (typeof t === 'string' ? t : getTableName(t))))];
  if (names.length === 0) throw new Error(`Projector "${projector}" must list the tables it writes (\`tables: [...]\`), so it can be rebuilt.`);
  return names;
}

export function defineProjector<const D extends readonly EventDefinition[]>(def: {
  name: string;
  /** The event types this read model reads; every other type passes it by. */
  events: D;
  /** Every table its handlers write (at least one): a rebuild recreates exactly these. */
  tables: ReadonlyArray<PgTable>;
  handlers: Handlers<D>;
  notify?: boolean;
}): Projector {
  return handlerProjector(def, tableNames(def.name, def.tables));
}

/** A projector of one SQL handler per event type, owning `tables` (a reactor owns none). */
function handlerProjector<const D extends readonly EventDefinition[]>(
  def: { name: string; events: D; handlers: Handlers<D>; notify?: boolean },
  tables: ReadonlyArray<string>,
): Projector {
  checkName(def.name);
  const byType = new Map<string, Handler<StoredEvent>>();
  for (const definition of def.events) {
    const handler: unknown = Reflect.get(def.handlers, definition.type);
    if (typeof handler !== 'function') throw new Error(`Projector "${def.name}" lists ${definition.type} but has no handler for it.`);
    // Safe widening: the runtime calls a handler only with events the catalogue decoded as its own type.
    byType.set(definition.type, handler as Handler<StoredEvent>);
  }
  return {
    name: def.name,
    kind: 'projector',
    raw: false,
    notify: def.notify ?? true,
    tables,
    apply: async (event: StoredEvent, tx: Tx, context: HandlerContext) => {
      await byType.get(event.type)?.(event, tx, context);
    },
    handles: (type: string) => byType.has(type),
  };
}

/** What the handlers of a row projector get: each declared row set, open for the batch. */
export type RowsOf<S extends Record<string, RowSet<unknown>>> = { [K in keyof S]: S[K] extends RowSet<infer Access> ? Access : never };

export type RowHandlers<D extends readonly EventDefinition[], Rows> = {
  [K in EventTypeOf<D>]: (event: EventOfType<D, K>, rows: Rows) => void;
};

/**
 * A projector whose handlers change rows in memory (./rows.ts) instead of
 * sending SQL: the runtime loads the rows a batch's aggregates have, runs the
 * handlers in log order, and writes every changed row back in one statement
 * per table. Same guarantees as `defineProjector`, a few statements per batch
 * instead of one or more per event. Handlers are synchronous and see only
 * their rows; a read model that needs other queries uses `defineProjector`.
 */
export function defineRowProjector<const D extends readonly EventDefinition[], const S extends Record<string, RowSet<unknown>>>(def: {
  name: string;
  /** The event types this read model reads; every other type passes it by. */
  events: D;
  /** The tables it writes, e.g. `{ tasks: aggregateRows(tasks, 'id') }`. */
  rows: S;
  handlers: RowHandlers<D, RowsOf<S>>;
  notify?: boolean;
}): Projector {
  checkName(def.name);
  const byType = new Map<string, (event: StoredEvent, rows: RowsOf<S>) => void>();
  for (const definition of def.events) {
    const handler: unknown = Reflect.get(def.handlers, definition.type);
    if (typeof handler !== 'function') throw new Error(`Projector "${def.name}" lists ${definition.type} but has no handler for it.`);
    // Safe widening: only events the catalogue decoded as this type reach it (see `handles`).
    byType.set(definition.type, handler as (event: StoredEvent, rows: RowsOf<S>) => void);
  }
  const sets = Object.entries(def.rows);
  const applyBatch = async (events: ReadonlyArray<StoredEvent>, tx: Tx) => {
    const aggregateIds = events.map((e) => e.aggregateId);
    const opened = await Promise.all(sets.map(async ([key, set]) => [key, await set.open(tx, aggregateIds)] as const));
    // Each entry is the set's open access under its declared key: exactly RowsOf<S>.
    const rows = Object.fromEntries(opened.map(([key, open]) => [key, open.access])) as RowsOf<S>;
    for (const event of events) byType.get(event.type)?.(event, rows);
    await Promise.all(opened.map(([, open]) => open.flush(tx))); // different tables: sent together on the connection
  };
  return {
    name: def.name,
    kind: 'projector',
    raw: false,
    notify: def.notify ?? true,
    tables: tableNames(def.name, sets.map(([, set]) => set.table)),
    apply: (event, tx) => applyBatch([event], tx),
    applyBatch,
    handles: (type: string) => byType.has(type),
  };
}

/**
 * A projector that sees every entry as written, whatever its type, even types
 * this code does not know (the archive, audit exports).
 */
export function defineRawProjector(def: {
  name: string;
  /** Every table it writes (at least one). */
  tables: ReadonlyArray<PgTable>;
  handle: Handler<RawEvent>;
  /** Optional: `handle` for many events at once, with exactly its effect (see `applyBatch` above). */
  handleBatch?: (events: ReadonlyArray<RawEvent>, tx: Tx) => Promise<void>;
  notify?: boolean;
}): Projector {
  checkName(def.name);
  const tables = tableNames(def.name, def.tables);
  return { name: def.name, kind: 'projector', raw: true, notify: def.notify ?? false, tables, apply: def.handle, applyBatch: def.handleBatch };
}

/** A reactor owns no read table: its `tables` is empty, and it is never rebuilt. */
export function defineReactor<const D extends readonly EventDefinition[]>(def: { name: string; events: D; handlers: Handlers<D> }): Projector {
  const inner = handlerProjector({ ...def, notify: false }, []);
  return { ...inner, kind: 'reactor' };
}
