/**
 * Read-model rebuilds, requested and run (src/server/projectors/rebuild-records.ts):
 * what the operations page shows while one runs, and how a request made in
 * the app reaches a worker. Owned by src/server/projectors.
 */
import { sql } from 'drizzle-orm';
import { bigint, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

export const REBUILD_STATUSES = ['requested', 'running', 'succeeded', 'failed'] as const;

export const projectionRebuilds = pgTable(
  'projection_rebuilds',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    projector: text('projector').notNull(),
    /** requested (waiting for a worker), running, succeeded or failed. */
    status: text('status', { enum: REBUILD_STATUSES }).notNull(),
    /** Log entries applied to the new tables so far, out of `total`. */
    done: bigint('done', { mode: 'number' }).notNull().default(0),
    total: bigint('total', { mode: 'number' }).notNull().default(0),
    /** Who asked: an operator's email, or `cli`. */
    requestedBy: text('requested_by').notNull(),
    requestedAt: timestamp('requested_at', { mode: 'date', withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { mode: 'date', withTimezone: true }),
    /** Renewed every few seconds while it runs; a running rebuild silent for long has lost its process. */
    heartbeatAt: timestamp('heartbeat_at', { mode: 'date', withTimezone: true }),
    finishedAt: timestamp('finished_at', { mode: 'date', withTimezone: true }),
    error: text('error'),
  },
  (t) => [
    // One rebuild per projector waits or runs at a time.
    uniqueIndex('projection_rebuilds_active').on(t.projector).where(sql`status in ('requested', 'running')`),
    index('projection_rebuilds_requested_at').on(t.requestedAt),
  ],
);

export type ProjectionRebuild = typeof projectionRebuilds.$inferSelect;
