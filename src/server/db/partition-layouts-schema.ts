/**
 * The partition layouts the event log has had, one row per epoch
 * (src/server/events/layout-history.ts). A switch of the partition count
 * (`npm run partitions -- switch <M>`) ends an epoch: its row gets the last
 * stream id of each of its partitions, and the next epoch's row is added.
 * Whoever reads the whole log (rebuilds of read models and of write-side
 * state) reads it epoch by epoch, so an organization's events that moved to
 * another partition still come in the order they were appended.
 */
import { integer, jsonb, pgTable, timestamp } from 'drizzle-orm/pg-core';

export const partitionLayouts = pgTable('partition_layouts', {
  /** 0 for the first layout, one more per switch (the same number as the layout record in Redis). */
  epoch: integer('epoch').primaryKey(),
  partitions: integer('partitions').notNull(),
  /** Once the epoch has ended: for each of its partitions, the stream id of its last entry ('0-0': none). Null for the current epoch. */
  cutoffs: jsonb('cutoffs').$type<string[]>(),
  startedAt: timestamp('started_at', { mode: 'date', withTimezone: true }).notNull().defaultNow(),
  endedAt: timestamp('ended_at', { mode: 'date', withTimezone: true }),
});
