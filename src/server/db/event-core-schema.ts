/**
 * Tables of the event core: the archive of every event, projector
 * checkpoints (committed in the same transaction as the projector's writes),
 * dead letters, reactor effects and the deployment identity. Owned by
 * src/server/events and src/server/projectors; feature code never writes them.
 */
import { bigint, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/** Append-only copy of every event, written by the archive projector. */
export const eventLog = pgTable(
  'event_log',
  {
    eventId: text('event_id').primaryKey(),
    partition: integer('partition').notNull(),
    streamId: text('stream_id').notNull(),
    /** The stream id's two numbers, for ordering (text order is wrong for "5-10" vs "5-9"). */
    streamMs: bigint('stream_ms', { mode: 'bigint' }).notNull(),
    streamSeq: bigint('stream_seq', { mode: 'bigint' }).notNull(),
    type: text('type').notNull(),
    schemaVersion: integer('schema_version').notNull(),
    aggregateId: text('aggregate_id').notNull(),
    aggregateVersion: integer('aggregate_version').notNull(),
    organizationId: text('organization_id').notNull(),
    actorId: text('actor_id').notNull(),
    correlationId: text('correlation_id').notNull(),
    causationId: text('causation_id'),
    occurredAt: timestamp('occurred_at', { mode: 'date', withTimezone: true }).notNull(),
    data: jsonb('data').notNull(),
  },
  (t) => [
    uniqueIndex('event_log_aggregate_version').on(t.aggregateId, t.aggregateVersion),
    index('event_log_org_time').on(t.organizationId, t.occurredAt),
    uniqueIndex('event_log_position').on(t.partition, t.streamMs, t.streamSeq),
  ],
);

/** How far each projector has applied each partition. Advanced only with its writes. */
export const projectorCheckpoints = pgTable(
  'projector_checkpoints',
  {
    projector: text('projector').notNull(),
    partition: integer('partition').notNull(),
    /** Stream id of the last entry applied (or parked); '0-0' before the first. */
    lastId: text('last_id').notNull().default('0-0'),
    /** Lease fence of the last writer; a lower fence means a stale (zombie) worker. */
    fence: bigint('fence', { mode: 'number' }).notNull().default(0),
    eventsApplied: bigint('events_applied', { mode: 'number' }).notNull().default(0),
    updatedAt: timestamp('updated_at', { mode: 'date', withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.projector, t.partition] })],
);

/**
 * Events a projector could not apply (status 'failed', after N attempts or
 * undecodable) and the later events of the same aggregate held back behind
 * them (status 'blocked'), so that aggregate's order is never broken.
 */
export const deadLetters = pgTable(
  'dead_letters',
  {
    projector: text('projector').notNull(),
    partition: integer('partition').notNull(),
    streamId: text('stream_id').notNull(),
    aggregateId: text('aggregate_id').notNull(),
    organizationId: text('organization_id'),
    eventId: text('event_id'),
    type: text('type'),
    /** The raw stream entry, so it can be decoded again after a fix. */
    entry: jsonb('entry').notNull(),
    status: text('status', { enum: ['failed', 'blocked'] }).notNull(),
    error: text('error'),
    attempts: integer('attempts').notNull().default(0),
    parkedAt: timestamp('parked_at', { mode: 'date', withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.projector, t.partition, t.streamId] }),
    index('dead_letters_aggregate').on(t.projector, t.aggregateId),
  ],
);

/** Events whose effect a reactor has performed; makes effects idempotent by event id. */
export const reactorEffects = pgTable(
  'reactor_effects',
  {
    reactor: text('reactor').notNull(),
    eventId: text('event_id').notNull(),
    performedAt: timestamp('performed_at', { mode: 'date', withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.reactor, t.eventId] })],
);

/**
 * The one identity this database shares with its Redis key space (see
 * src/server/events/identity.ts): a second environment pointed at the same
 * key space with another database is refused instead of mixing their logs.
 */
export const deploymentIdentity = pgTable('deployment_identity', {
  /** Always 'this': one row. */
  slot: text('slot').primaryKey(),
  identity: text('identity').notNull(),
  createdAt: timestamp('created_at', { mode: 'date', withTimezone: true }).notNull().defaultNow(),
});
