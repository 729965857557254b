/**
 * Operator actions on parked events (see ./apply-batch.ts for how events get
 * parked). Both run in one transaction holding the projector's checkpoint
 * row, so the runtime cannot apply the aggregate's next events meanwhile:
 *
 * - `retryDeadLetters`: after a fix, apply the aggregate's parked events in
 *   order; all succeed and leave the dead letters, or nothing changes.
 * - `skipDeadLetter`: drop one parked event for good, then retry the rest of
 *   its aggregate.
 *
 * Events are applied through ./apply-entry.ts like the runtime's, so a reactor
 * does not repeat an effect it already performed (a replay may have got there
 * first). `applied` counts the events whose handler ran.
 */
import { and, asc, eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '~/server/db/client';
import { deadLetters, projectorCheckpoints } from '~/server/db/event-core-schema';
import type { AnyCatalogue } from '~/server/events/catalogue';
import { compareStreamIds } from '~/server/events/envelope';
import { AppError, errorMessage } from '~/server/errors';
import { keysFor, prepareEntry } from './apply-entry';
import type { Projector, Tx } from './define-projector';

interface Ops {
  db: Db;
  catalogue: AnyCatalogue;
  projector: Projector;
  /** What handlers log through (a reactor's effects, with each event's correlation id); silent when not given. */
  logger?: Logger;
}

export async function listDeadLetters(db: Db, projector?: string) {
  return db
    .select()
    .from(deadLetters)
    .where(projector ? eq(deadLetters.projector, projector) : undefined)
    .orderBy(asc(deadLetters.partition), asc(deadLetters.parkedAt));
}

export async function retryDeadLetters(ops: Ops, aggregateId: string): Promise<{ applied: number }> {
  return ops.db.transaction((tx) => replayParked(tx, ops, aggregateId));
}

export async function skipDeadLetter(ops: Ops, partition: number, streamId: string): Promise<{ applied: number }> {
  return ops.db.transaction(async (tx) => {
    const [skipped] = await tx
      .delete(deadLetters)
      .where(and(eq(deadLetters.projector, ops.projector.name), eq(deadLetters.partition, partition), eq(deadLetters.streamId, streamId)))
      .returning();
    if (!skipped) throw new AppError('NOT_FOUND', `No dead letter ${streamId} for ${ops.projector.name}.`);
    return replayParked(tx, ops, skipped.aggregateId);
  });
}

async function replayParked(tx: Tx, ops: Ops, aggregateId: string): Promise<{ applied: number }> {
  const rows = await tx
    .select()
    .from(deadLetters)
    .where(and(eq(deadLetters.projector, ops.projector.name), eq(deadLetters.aggregateId, aggregateId)));
  const partitions = [...new Set(rows.map((r) => r.partition))];
  for (const partition of partitions) {
    await tx
      .select()
      .from(projectorCheckpoints)
      .where(and(eq(projectorCheckpoints.projector, ops.projector.name), eq(projectorCheckpoints.partition, partition)))
      .for('update');
  }
  const ordered = rows.sort((a, b) => a.partition - b.partition || compareStreamIds(a.streamId, b.streamId));
  let applied = 0;
  const keys = await keysFor(ops.projector, tx, ordered.map((row) => toFields(row.entry)));
  for (const row of ordered) {
    const prepared = prepareEntry(ops.projector, ops.catalogue, toFields(row.entry), { partition: row.partition, id: row.streamId }, ops.logger, keys);
    try {
      if (!prepared.ok) throw new Error(prepared.error);
      if ((await prepared.apply(tx)) === 'applied') applied += 1;
    } catch (error) {
      throw new AppError('CONFLICT', `Retry failed at ${row.streamId} (${row.type ?? 'unknown type'}): ${errorMessage(error)}`, { cause: error });
    }
  }
  await tx.delete(deadLetters).where(and(eq(deadLetters.projector, ops.projector.name), eq(deadLetters.aggregateId, aggregateId)));
  return { applied };
}

/** A dead letter's stored entry back as stream fields. */
export function toFields(entry: unknown): Record<string, string> {
  const fields: Record<string, string> = {};
  if (typeof entry === 'object' && entry !== null) {
    for (const [key, value] of Object.entries(entry)) if (typeof value === 'string') fields[key] = value;
  }
  return fields;
}
