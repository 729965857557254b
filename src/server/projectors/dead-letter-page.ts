/**
 * Parked events as operators read them, a page at a time: each dead letter
 * with its error and the event it holds, decoded from the raw stream entry
 * (type, aggregate, organization, position, data), as written: upcasting
 * and the type's schema are not applied, so an entry parked for failing them
 * still shows. One that is not an envelope at all is shown as it was stored.
 *
 * Edit it when the operations page needs another field of a dead letter;
 * retrying and skipping live in ./dead-letters.ts.
 */
import { asc, count } from 'drizzle-orm';
import type { Db } from '~/server/db/client';
import { deadLetters } from '~/server/db/event-core-schema';
import { decodeEnvelope } from '~/server/events/catalogue';
import { toFields } from './dead-letters';

export interface ParkedEvent {
  id: string;
  type: string;
  schemaVersion: number;
  aggregateId: string;
  aggregateVersion: number;
  organizationId: string;
  actorId: string;
  occurredAt: string;
  data: unknown;
}

export interface DeadLetterView {
  projector: string;
  partition: number;
  streamId: string;
  aggregateId: string;
  organizationId: string | null;
  /** `failed`: its handler kept failing (or it does not decode); `blocked`: a later event of the same aggregate, held back behind it. */
  status: 'failed' | 'blocked';
  error: string | null;
  attempts: number;
  parkedAt: string;
  /** The decoded event; null when the entry does not decode (see `raw`). */
  event: ParkedEvent | null;
  /** The stream entry as stored, when it does not decode. */
  raw: unknown;
}

export interface DeadLetterPage {
  /** Dead letters in all (every page). */
  total: number;
  items: DeadLetterView[];
}

/** Oldest parked first, `limit` of them from `offset`. */
export async function pageDeadLetters(db: Db, page: { limit: number; offset: number }): Promise<DeadLetterPage> {
  const [rows, [total]] = await Promise.all([
    db
      .select()
      .from(deadLetters)
      .orderBy(asc(deadLetters.parkedAt), asc(deadLetters.projector), asc(deadLetters.partition), asc(deadLetters.streamId))
      .limit(page.limit)
      .offset(page.offset),
    db.select({ n: count() }).from(deadLetters),
  ]);
  return {
    total: total?.n ?? 0,
    items: rows.map((row) => {
      const event = decode(row.entry);
      return {
        projector: row.projector,
        partition: row.partition,
        streamId: row.streamId,
        aggregateId: row.aggregateId,
        organizationId: row.organizationId,
        status: row.status,
        error: row.error,
        attempts: row.attempts,
        parkedAt: row.parkedAt.toISOString(),
        event,
        raw: event ? null : row.entry,
      };
    }),
  };
}

/** The envelope of a stored entry, decoded as the runtime decodes it, or null. */
function decode(entry: unknown): ParkedEvent | null {
  const decoded = decodeEnvelope(toFields(entry));
  if (!decoded.ok) return null;
  const e = decoded.envelope;
  return {
    id: e.id,
    type: e.type,
    schemaVersion: e.v,
    aggregateId: e.aggregateId,
    aggregateVersion: e.aggregateVersion,
    organizationId: e.organizationId,
    actorId: e.actorId,
    occurredAt: e.occurredAt,
    data: e.data,
  };
}
