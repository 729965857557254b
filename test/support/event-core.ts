/**
 * A small event-sourced "counter" domain for testing the event core: its
 * projector is strict, so an event applied twice or out of order makes it
 * throw instead of silently drifting.
 */
import { sql } from 'drizzle-orm';
import { bigint, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import type { Db } from '~/server/db/client';
import { createCatalogue } from '~/server/events/catalogue';
import { defineEvent } from '~/server/events/define-event';
import { defineProjector } from '~/server/projectors/define-projector';

export const counterIncremented = defineEvent({
  type: 'counter.incremented',
  version: 2,
  description: 'Emitted when a test counter is incremented.',
  example: { by: 1, note: 'one more' },
  data: z.object({ by: z.number().int().min(-1000).max(1000), note: z.string().max(200) }),
  upcast: { 1: (data) => ({ ...z.object({ by: z.number() }).parse(data), note: '' }) },
});

export const counterReset = defineEvent({
  type: 'counter.reset',
  version: 1,
  description: 'Emitted when a test counter is set back to zero.',
  example: {},
  data: z.object({}),
});

export const testCatalogue = createCatalogue([counterIncremented, counterReset]);

export async function createCountersTable(db: Db, table: string): Promise<void> {
  await db.execute(
    sql.raw(`create table if not exists "${table}" (
      aggregate_id text primary key,
      total bigint not null,
      version int not null,
      applied int not null
    )`),
  );
}

/** The Drizzle shape of a counters table (see `createCountersTable`). */
export function countersTable(table: string) {
  return pgTable(table, {
    aggregateId: text('aggregate_id').primaryKey(),
    total: bigint('total', { mode: 'number' }).notNull(),
    version: integer('version').notNull(),
    applied: integer('applied').notNull(),
  });
}

/**
 * Applies counter events to `table`. The upsert only matches when the row is
 * exactly one version behind the event, so a repeat or a skip throws.
 */
export function countersProjector(table: string, opts: { name?: string; failWhen?: (note: string) => boolean } = {}) {
  const t = sql.identifier(table);
  const apply = async (tx: Parameters<Parameters<Db['transaction']>[0]>[0], aggregateId: string, version: number, delta: number | null) => {
    const rows =
      version === 1
        ? await tx.execute(
            sql`insert into ${t} (aggregate_id, total, version, applied) values (${aggregateId}, ${delta ?? 0}, 1, 1)
                on conflict (aggregate_id) do nothing returning aggregate_id`,
          )
        : await tx.execute(
            sql`update ${t} set total = ${delta === null ? sql`0` : sql`total + ${delta}`}, version = ${version}, applied = applied + 1
                where aggregate_id = ${aggregateId} and version = ${version - 1} returning aggregate_id`,
          );
    if (rows.length === 0) throw new Error(`out of order or repeated: ${aggregateId} v${version}`);
  };
  return defineProjector({
    name: opts.name ?? table.replaceAll('_', '-'),
    events: [counterIncremented, counterReset],
    tables: [countersTable(table)],
    handlers: {
      'counter.incremented': async (event, tx) => {
        if (opts.failWhen?.(event.data.note)) throw new Error(`refusing ${event.data.note}`);
        await apply(tx, event.aggregateId, event.aggregateVersion, event.data.by);
      },
      'counter.reset': async (event, tx) => apply(tx, event.aggregateId, event.aggregateVersion, null),
    },
  });
}
