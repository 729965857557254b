/**
 * The app's own events in bulk, for tests that need many: planned through the
 * real deciders (scripts/bench/app-events.ts) and appended straight through
 * the app's event store, 64 appends in flight, without the command handler's
 * round trips. The plan says what the read tables must hold afterwards.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { planAppEvents, preloadAppEvents, type AppPlan } from '../../scripts/bench/app-events';
import { eventStore } from '~/server/app/event-store';
import { db } from '~/server/db';
import { projectorCheckpoints } from '~/server/db/event-core-schema';

export type { AppPlan } from '../../scripts/bench/app-events';

export async function appendAppEvents(total: number, limitMs = 120_000): Promise<AppPlan> {
  const plan = planAppEvents(total, new Date(), `plan-${randomUUID().slice(0, 8)}`);
  await preloadAppEvents(eventStore(), plan, limitMs, () => undefined);
  return plan;
}

/** Every row of each table, as JSON text, sorted: equal snapshots, equal tables (every column). */
export async function tablesSnapshot(tables: ReadonlyArray<string>): Promise<Record<string, string[]>> {
  const snapshot: Record<string, string[]> = {};
  for (const table of tables) {
    const rows = await db.execute<{ row: string }>(sql`select to_jsonb(t)::text as row from ${sql.identifier(table)} t`);
    snapshot[table] = rows.map((r) => r.row).sort();
  }
  return snapshot;
}

/** A projector's checkpoints: position and applied count per partition. */
export async function checkpointsOf(projector: string) {
  const rows = await db.select().from(projectorCheckpoints).where(sql`${projectorCheckpoints.projector} = ${projector}`).orderBy(projectorCheckpoints.partition);
  return rows.map((r) => ({ partition: r.partition, lastId: r.lastId, eventsApplied: r.eventsApplied }));
}
