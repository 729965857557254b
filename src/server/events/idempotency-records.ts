/**
 * What the append script stores for an idempotent command, and how it is
 * read back: the first result (stream ids, event ids and types, versions, and
 * the partition its events went to), kept for a TTL, and the entry that lists
 * it in its partition's idempotency index until it expires, which is how a
 * partition switch (./layout-carry.ts) finds every live record without a scan.
 */
import { z } from 'zod';
import type { AppendResult } from './append';

const storedResult = z.object({ ids: z.array(z.string()), meta: z.string() });
// `types` joined the stored result later: a result stored without them reads as "types unknown" ([]).
// `partition` too: where the events went, which a partition switch may have made another partition than the record's.
const resultMeta = z.object({
  eventIds: z.array(z.string()),
  types: z.array(z.string()).default([]),
  versions: z.record(z.string(), z.number()),
  partition: z.number().int().min(0).optional(),
});

/** How long an idempotency result is kept unless the store says otherwise. */
export const DEFAULT_IDEMPOTENCY_TTL_SECONDS = 86_400;

/** The first result of an idempotent append, as the script stored it (`partition`: the record's, for results that do not name theirs). */
export function storedAppendResult(partition: number, stored: string): AppendResult {
  const result = storedResult.parse(JSON.parse(stored));
  const meta = resultMeta.parse(JSON.parse(result.meta));
  const at = meta.partition ?? partition;
  return { partition: at, positions: result.ids.map((id) => ({ partition: at, id })), eventIds: meta.eventIds, types: meta.types, versions: meta.versions, duplicate: true };
}

/** A stored result that names the partition its events are in (what a partition switch writes when it moves the record). */
export function storedResultWithPartition(stored: string, partition: number): string {
  const result = storedResult.parse(JSON.parse(stored));
  const meta = resultMeta.parse(JSON.parse(result.meta));
  if (meta.partition !== undefined) return stored;
  return JSON.stringify({ ...result, meta: JSON.stringify({ ...meta, partition }) });
}

/** The idempotency index's entry of a record: whose it is and its key, for the switch to find the record by. */
export const idempotencyIndexEntry = (organizationId: string, key: string) => JSON.stringify([organizationId, key]);
const indexEntry = z.tuple([z.string(), z.string()]);
export function parseIdempotencyIndexEntry(entry: string): { organizationId: string; key: string } {
  const [organizationId, key] = indexEntry.parse(JSON.parse(entry));
  return { organizationId, key };
}
