/**
 * Replays the archive (`event_log`) through a projector, in log order, inside
 * the caller's transaction. Rebuilds use it to recreate a read model from
 * scratch; events are decoded through today's catalogue, so upcasters apply.
 * Each event goes through ./apply-entry.ts like the runtime's, so replaying
 * through a reactor performs only the effects it has not performed yet; a
 * projector with `applyBatch` gets a page of events per call.
 */
import { asc, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { AnyCatalogue } from '~/server/events/catalogue';
import { eventLog } from '~/server/db/event-core-schema';
import { envelopeOfRow } from '~/server/events/log';
import { collectForBatch, keysFor, prepareEntry } from './apply-entry';
import type { Projector, Tx } from './define-projector';

const PAGE = 2_000;

export async function replayArchive(opts: {
  tx: Tx;
  catalogue: AnyCatalogue;
  projector: Projector;
  onProgress?: (replayed: number) => void;
  /** What handlers log through (a reactor's effects, with each event's correlation id); silent when not given. */
  logger?: Logger;
}): Promise<{ replayed: number; failed: Array<{ eventId: string; error: string }> }> {
  let replayed = 0;
  const batched = opts.projector.kind === 'projector' && opts.projector.applyBatch !== undefined;
  const failed: Array<{ eventId: string; error: string }> = [];
  let after: { partition: number; ms: bigint; seq: bigint } | null = null;
  for (;;) {
    const rows = await opts.tx
      .select()
      .from(eventLog)
      .where(after ? sql`(${eventLog.partition}, ${eventLog.streamMs}, ${eventLog.streamSeq}) > (${after.partition}, ${after.ms}, ${after.seq})` : undefined)
      .orderBy(asc(eventLog.partition), asc(eventLog.streamMs), asc(eventLog.streamSeq))
      .limit(PAGE);
    if (rows.length === 0) break;
    const together = batched ? collectForBatch(opts.projector) : null;
    const entries = rows.map((row) => ({ row, fields: { e: JSON.stringify(envelopeOfRow(row)) } }));
    const keys = await keysFor(opts.projector, opts.tx, entries.map((entry) => entry.fields));
    for (const { row, fields } of entries) {
      const prepared = prepareEntry(opts.projector, opts.catalogue, fields, { partition: row.partition, id: row.streamId }, opts.logger, keys);
      replayed += 1;
      if (!prepared.ok) failed.push({ eventId: row.eventId, error: prepared.error });
      else if (together) together.add(prepared);
      else await prepared.apply(opts.tx);
    }
    // A page in one call where the projector can take a batch: the same effect, a few statements.
    await together?.apply(opts.tx);
    const last = rows.at(-1);
    if (!last) break;
    after = { partition: last.partition, ms: last.streamMs, seq: last.streamSeq };
    opts.onProgress?.(replayed);
  }
  return { replayed, failed };
}
