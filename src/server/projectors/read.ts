/**
 * Reading a partition for one projector through its consumer group: claim
 * what earlier consumers left pending (`XAUTOCLAIM`, G6), re-read this
 * consumer's own pending entries, then new ones (`XREADGROUP`); and check
 * that a batch continues the stream right after the checkpoint, with no gap.
 *
 * Edit it when the way entries come out of Redis changes (batch size, claim
 * rules, another stream layout).
 */
import { z } from 'zod';
import { errorMessage } from '~/server/errors';
import type { Redis } from '~/server/redis/client';
import type { Keys } from '~/server/redis/keys';
import { contiguousPrefix } from './batch';

/** A stream entry; `fields` is null when the entry was trimmed away while pending. */
export type Entry = { id: string; fields: Record<string, string> | null };

/** What a worker remembers about one (projector, partition) consumer group. */
export interface GroupCursor {
  ready: boolean;
  /** Entries may be pending for this consumer (claimed, or left by a failed batch): re-read them first. */
  pending: boolean;
}

const entriesReply = z
  .array(z.object({ name: z.string(), messages: z.array(z.object({ id: z.string(), message: z.record(z.string(), z.string()).nullable() })) }))
  .nullable();

export function createReader(opts: { redis: Redis; keys: Keys; workerId: string; batchSize: number }) {
  const { redis, keys, workerId, batchSize } = opts;

  async function ensureGroup(projector: string, partition: number, cursor: GroupCursor): Promise<void> {
    if (cursor.ready) return;
    try {
      await redis.xGroupCreate(keys.stream(partition), projector, '0', { MKSTREAM: true });
    } catch (error) {
      if (!errorMessage(error).includes('BUSYGROUP')) throw error;
    }
    cursor.ready = true;
  }

  /**
   * The next batch. `fresh`: read with `>` (one consecutive range of never-delivered entries).
   * `claimed`: entries taken over from the pending lists of earlier consumers (and this one's own).
   */
  async function readBatch(projector: string, partition: number, cursor: GroupCursor): Promise<{ entries: Entry[]; fresh: boolean; claimed: number }> {
    const stream = keys.stream(partition);
    let claimedCount = 0;
    if (cursor.pending) {
      // Claim everything earlier consumers left pending: the lease guarantees they are gone
      // (and the fence stops them committing if they are not).
      let next = '0-0';
      do {
        const claimed = await redis.xAutoClaim(stream, projector, workerId, 0, next, { COUNT: batchSize });
        claimedCount += claimed.messages.length;
        next = claimed.nextId;
      } while (next !== '0-0');
      const own = await readGroup(projector, stream, '0');
      if (own.length > 0) return { entries: own, fresh: false, claimed: claimedCount };
      cursor.pending = false;
    }
    return { entries: await readGroup(projector, stream, '>'), fresh: true, claimed: claimedCount };
  }

  /**
   * The longest run of `entries` that follows `afterId` in the stream with no
   * gap. A gap means another consumer holds entries in between (a lease
   * changed hands mid-read); applying past it would break order and, once the
   * checkpoint moved on, lose those entries.
   */
  async function contiguousRun(partition: number, afterId: string, entries: Entry[], fresh: boolean): Promise<Entry[]> {
    if (entries.length === 0) return entries;
    // A '>' read is one consecutive range: checking its first entry is enough.
    const expected = (await redis.xRange(keys.stream(partition), `(${afterId}`, '+', { COUNT: fresh ? 1 : entries.length })) ?? [];
    if (fresh) return expected[0]?.id === entries[0]?.id ? entries : [];
    return entries.slice(0, contiguousPrefix(entries, expected));
  }

  async function acknowledge(projector: string, partition: number, ids: string[]): Promise<void> {
    if (ids.length > 0) await redis.xAck(keys.stream(partition), projector, ids);
  }

  async function readGroup(projector: string, stream: string, id: string): Promise<Entry[]> {
    const reply = entriesReply.parse(await redis.xReadGroup(projector, workerId, { key: stream, id }, { COUNT: batchSize }));
    return (reply?.[0]?.messages ?? []).map((m) => ({ id: m.id, fields: m.message }));
  }

  return { ensureGroup, readBatch, contiguousRun, acknowledge };
}

export type Reader = ReturnType<typeof createReader>;
