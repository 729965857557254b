/**
 * The raw pipeline: what a careful hand-written consumer of the bench stream
 * does, and nothing more. XREADGROUP COUNT 500 → one transaction (the writes
 * plus its checkpoint) → XACK, per partition, until nothing is left. Two
 * forms: one upsert per event (the runtime's own shape: one handler call per
 * event), or, the pipeline at its best, the batch folded per row in memory
 * and written as ONE multi-row upsert. The best form is the baseline the drain
 * and rebuild ratios count against: it is what Redis and Postgres allow.
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../src/server/db/client';
import type { Tx } from '../../src/server/projectors/define-projector';
import type { Redis } from '../../src/server/redis/client';
import type { Keys } from '../../src/server/redis/keys';
import { upsert } from './bench-stream';
import { PARTITIONS, type Measured } from './measure';

export const BATCH_SIZE = 500;

/** What the hand-written consumer needs of an entry, checked the way any consumer must check input. */
const rawEntry = z.object({
  aggregateId: z.string().min(1),
  aggregateVersion: z.number().int().min(1),
  data: z.object({ amount: z.number().int() }),
});

/** node-redis types XREADGROUP replies loosely; this is the shape it returns over RESP2. */
const groupReadReply = z
  .array(
    z.object({
      name: z.string(),
      messages: z.array(z.object({ id: z.string(), message: z.record(z.string(), z.string()).nullable() })),
    }),
  )
  .nullable();

/** One multi-row upsert of a whole batch, folded per row first (a statement may touch each row once). */
async function upsertBatch(tx: Tx, entries: ReadonlyArray<z.infer<typeof rawEntry>>) {
  const rows = new Map<string, { total: number; version: number }>();
  for (const e of entries) {
    const row = rows.get(e.aggregateId);
    rows.set(e.aggregateId, { total: (row?.total ?? 0) + e.data.amount, version: Math.max(row?.version ?? 0, e.aggregateVersion) });
  }
  // The fastest form Postgres offers (the one the product's bulk insert uses too): one array parameter per column.
  const column = (of: (id: string, row: { total: number; version: number }) => string | number) => sql.param([...rows].map(([id, row]) => String(of(id, row))));
  await tx.execute(
    sql`insert into bench_raw_batch as t (aggregate_id, total, version)
        select a, n::bigint, v::int from unnest(${column((id) => id)}::text[], ${column((_, r) => r.total)}::text[], ${column((_, r) => r.version)}::text[]) as u(a, n, v)
        on conflict (aggregate_id) do update set total = t.total + excluded.total, version = excluded.version`,
  );
}

/**
 * Drains every partition of `keys` through a fresh consumer group `group`,
 * into `bench_raw` (form `row`) or `bench_raw_batch` (form `batch`).
 */
export async function drainRaw(db: Db, redis: Redis, keys: Keys, group: string, form: 'row' | 'batch', limitMs: number): Promise<Measured> {
  for (let p = 0; p < PARTITIONS; p++) await redis.xGroupCreate(keys.stream(p), group, '0', { MKSTREAM: true });
  const consumer = 'bench-raw';
  let count = 0;
  const t0 = performance.now();
  const deadline = t0 + limitMs;
  for (;;) {
    let progress = false;
    for (let p = 0; p < PARTITIONS; p++) {
      if (performance.now() >= deadline) return { count, ms: performance.now() - t0, cut: true };
      const stream = keys.stream(p);
      const reply = groupReadReply.parse(await redis.xReadGroup(group, consumer, { key: stream, id: '>' }, { COUNT: BATCH_SIZE }));
      const messages = reply?.[0]?.messages ?? [];
      const last = messages.at(-1);
      if (!last) continue;
      // A '>' read never returns an entry deleted while pending, but the type allows one.
      const entries = messages.flatMap(({ message }) => (message ? [rawEntry.parse(JSON.parse(message.e ?? ''))] : []));
      await db.transaction(async (tx) => {
        if (form === 'batch') await upsertBatch(tx, entries);
        else for (const entry of entries) await upsert(tx, 'bench_raw', entry.aggregateId, entry.data.amount, entry.aggregateVersion);
        await tx.execute(
          sql`insert into bench_raw_checkpoints (consumer, partition, last_id) values (${group}, ${p}, ${last.id})
              on conflict (consumer, partition) do update set last_id = excluded.last_id`,
        );
      });
      await redis.xAck(stream, group, messages.map((m) => m.id));
      count += messages.length;
      progress = true;
    }
    if (!progress) return { count, ms: performance.now() - t0, cut: false };
  }
}
