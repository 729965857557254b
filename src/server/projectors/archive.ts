/**
 * The archive projector copies every event, whatever its type, into the
 * append-only `event_log` table. It is what rebuilds replay, and what lets
 * the streams be trimmed (see ./trim.ts).
 */
import { sql } from 'drizzle-orm';
import { bulkTable, insertMany } from '~/server/db/bulk-insert';
import { eventLog } from '~/server/db/event-core-schema';
import { defineRawProjector, type RawEvent } from './define-projector';

export const ARCHIVE_PROJECTOR = 'archive';

const eventLogShape = bulkTable(eventLog);

export const archiveProjector = defineRawProjector({
  name: ARCHIVE_PROJECTOR,
  tables: [eventLog],
  handle: async (event, tx) => {
    await tx.insert(eventLog).values(rowOf(event)).onConflictDoNothing();
  },
  // A batch in one statement, not one per event: the same rows, the same conflict rule.
  handleBatch: async (events, tx) => {
    await insertMany(tx, eventLog, eventLogShape, events.map(rowOf), sql`on conflict do nothing`);
  },
});

function rowOf(event: RawEvent): typeof eventLog.$inferInsert {
  return {
    eventId: event.id,
    partition: event.position.partition,
    streamId: event.position.id,
    streamMs: BigInt(event.position.id.split('-')[0] ?? '0'),
    streamSeq: BigInt(event.position.id.split('-')[1] ?? '0'),
    type: event.type,
    schemaVersion: event.v,
    aggregateId: event.aggregateId,
    aggregateVersion: event.aggregateVersion,
    organizationId: event.organizationId,
    actorId: event.actorId,
    correlationId: event.correlationId,
    causationId: event.causationId,
    occurredAt: new Date(event.occurredAt),
    data: event.data,
  };
}
