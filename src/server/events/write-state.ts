/**
 * The write side's own memory: each aggregate's version and state, in two
 * keys of its partition (`ver:<id>`, `state:<id>`), written together by the
 * append script and read together in one round trip. A command loads them
 * here, decides, and appends at that version; read models are never asked.
 *
 * The state is stored as a record naming its aggregate type and organization,
 * so an id of another type or tenant is never decided on.
 */
import { z } from 'zod';
import { AppError } from '~/server/errors';
import type { Redis } from '~/server/redis/client';
import { partitionOf, type Keys } from '~/server/redis/keys';
import { assertPartitionLayout } from './layout';

const stateRecord = z.object({ type: z.string(), organizationId: z.string(), value: z.unknown() });
export type StateRecord = z.output<typeof stateRecord>;

export function encodeState(record: StateRecord): string {
  return JSON.stringify(record);
}

/** A stored state record, or null when it cannot be read as one. */
export function parseStateRecord(raw: string): StateRecord | null {
  try {
    const record = stateRecord.safeParse(JSON.parse(raw));
    return record.success ? record.data : null;
  } catch {
    return null;
  }
}

/** What the store holds of one aggregate: its version (0 = new) and its state record, if any. */
export interface StoredAggregate {
  aggregateId: string;
  version: number;
  record: StateRecord | null;
}

export interface ReadAggregatesResult {
  partition: number;
  aggregates: StoredAggregate[];
  /** The worker holding the partition's projector lease, if any (read in the same round trip). */
  leaseHolder: string | null;
  /** The stored first result of the command's idempotency key, if it ran before. */
  previous: string | null;
}

/**
 * Reads versions and states of aggregates of one organization, the
 * partition's lease holder and an earlier result, in one MGET; with them the
 * partition's layout key, so a process with another partition count (or a
 * partition frozen by a switch) is refused here with a clear error, before it
 * decides on state it would have looked for in the wrong partition.
 */
export async function readAggregates(
  store: { redis: Redis; keys: Keys; partitions: number },
  organizationId: string,
  aggregateIds: ReadonlyArray<string>,
  idempotencyKey?: string,
): Promise<ReadAggregatesResult> {
  const partition = partitionOf(organizationId, store.partitions);
  const names = aggregateIds.flatMap((id) => [store.keys.version(partition, id), store.keys.state(partition, id)]);
  const idempotency = idempotencyKey === undefined ? [] : [store.keys.idempotency(partition, organizationId, idempotencyKey)];
  const values = await store.redis.mGet([...names, store.keys.lease(partition), ...idempotency, store.keys.layout(partition)]);
  assertPartitionLayout(values.at(-1), store.partitions);
  const aggregates = aggregateIds.map((aggregateId, i) => {
    const version = Number(values[i * 2] ?? 0);
    const raw = values[i * 2 + 1];
    if (!Number.isInteger(version) || version < 0) throw corrupt(aggregateId, 'its version is not a number');
    if (raw === null || raw === undefined) return { aggregateId, version, record: null };
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw corrupt(aggregateId, 'its state is not JSON');
    }
    const record = stateRecord.safeParse(json);
    if (!record.success) throw corrupt(aggregateId, 'its state record is malformed');
    return { aggregateId, version, record: record.data };
  });
  const n = names.length;
  return { partition, aggregates, leaseHolder: values[n] ?? null, previous: idempotencyKey ? (values[n + 1] ?? null) : null };
}

/** The write side of an aggregate cannot be read as stored: only a rebuild from the log repairs it. */
export class WriteStateError extends AppError {
  constructor(
    readonly aggregateId: string,
    reason: string,
  ) {
    super('UNAVAILABLE', `The stored state of ${aggregateId} cannot be used (${reason}). An operator must run \`npm run events -- rebuild-state\`.`);
  }
}

function corrupt(aggregateId: string, reason: string) {
  return new WriteStateError(aggregateId, reason);
}
