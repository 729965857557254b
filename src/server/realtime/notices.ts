/**
 * Change notices to live subscribers. Projectors append a small notice to
 * each organization's stream after every committed batch (./notice-writer.ts,
 * which must write the fields `toNotice` reads); here, one reader
 * per server process follows the streams that have subscribers (a single
 * blocking Redis connection, never one per browser tab) and fans notices out
 * in memory.
 *
 * A subscription first registers (so nothing new is missed), then backfills
 * from the client's `lastEventId`, then streams live notices, skipping any it
 * already yielded. Ids are stream ids, so they order and resume exactly.
 */
import type { Logger } from 'pino';
import { z } from 'zod';
import { compareStreamIds } from '~/server/events/envelope';
import type { Redis } from '~/server/redis/client';
import type { Keys } from '~/server/redis/keys';

export interface Notice {
  id: string;
  projector: string;
  /** Position of the last event the batch applied, for read-your-writes checks. */
  position: { partition: number; id: string };
  aggregates: string[];
  /** True when the client's `lastEventId` is older than the kept notices: refetch everything. */
  reset?: boolean;
}

type Listener = (notice: Notice) => void;

const BLOCK_MS = 1_000;
const streamsReply = z
  .array(z.object({ name: z.string(), messages: z.array(z.object({ id: z.string(), message: z.record(z.string(), z.string()) })) }))
  .nullable();

function toNotice(id: string, fields: Record<string, string>): Notice {
  const aggregates = z.array(z.string()).safeParse(JSON.parse(fields.aggregates ?? '[]'));
  return {
    id,
    projector: fields.projector ?? '',
    position: { partition: Number(fields.partition ?? 0), id: fields.position ?? '0-0' },
    aggregates: aggregates.success ? aggregates.data : [],
  };
}

export function createNoticeHub(opts: { redis: Redis; blocking: Redis; keys: Keys; logger: Logger }) {
  const listeners = new Map<string, Set<Listener>>();
  const cursors = new Map<string, string>();
  let reading = false;

  async function readLoop() {
    if (reading) return;
    reading = true;
    try {
      while (listeners.size > 0) {
        const organizations = [...listeners.keys()];
        try {
          const reply = streamsReply.parse(
            await opts.blocking.xRead(
              organizations.map((org) => ({ key: opts.keys.changes(org), id: cursors.get(org) ?? '$' })),
              { BLOCK: BLOCK_MS, COUNT: 100 },
            ),
          );
          for (const stream of reply ?? []) {
            const organizationId = organizations.find((org) => opts.keys.changes(org) === stream.name);
            if (!organizationId) continue;
            for (const message of stream.messages) {
              cursors.set(organizationId, message.id);
              const notice = toNotice(message.id, message.message);
              for (const listener of listeners.get(organizationId) ?? []) listener(notice);
            }
          }
        } catch (error) {
          opts.logger.warn({ err: error }, 'change notice reader failed; retrying');
          await new Promise((resolve) => setTimeout(resolve, BLOCK_MS));
        }
      }
    } finally {
      reading = false;
    }
  }

  /** Registers a listener; resolves once live notices after the current end of the stream will reach it. */
  async function listen(organizationId: string, listener: Listener): Promise<() => void> {
    if (!listeners.has(organizationId)) {
      // The reader starts at the stream's current end; the subscriber's backfill covers what came before.
      const [last] = (await opts.redis.xRevRange(opts.keys.changes(organizationId), '+', '-', { COUNT: 1 })) ?? [];
      if (!listeners.has(organizationId)) {
        listeners.set(organizationId, new Set());
        cursors.set(organizationId, last?.id ?? '0-0');
      }
    }
    const set = listeners.get(organizationId) ?? new Set<Listener>();
    set.add(listener);
    void readLoop();
    return () => {
      set.delete(listener);
      if (set.size === 0) {
        listeners.delete(organizationId);
        cursors.delete(organizationId);
      }
    };
  }

  /** Notices of one organization after `lastEventId` (all kept ones when null), then live ones, until `signal` aborts. */
  async function* subscribe(organizationId: string, lastEventId: string | null, signal: AbortSignal | undefined): AsyncGenerator<Notice> {
    const queue: Notice[] = [];
    let wake: (() => void) | null = null;
    const unlisten = await listen(organizationId, (notice) => {
      queue.push(notice);
      wake?.();
    });
    const onAbort = () => wake?.();
    signal?.addEventListener('abort', onAbort);
    try {
      let last = lastEventId ?? '0-0';
      const key = opts.keys.changes(organizationId);
      if (lastEventId) {
        const [oldest] = (await opts.redis.xRange(key, '-', '+', { COUNT: 1 })) ?? [];
        if (oldest && compareStreamIds(oldest.id, lastEventId) > 0) {
          // Notices were trimmed past the client's position: tell it to refetch instead of guessing.
          yield { id: lastEventId, projector: '', position: { partition: 0, id: '0-0' }, aggregates: [], reset: true };
        }
      }
      const backfill = lastEventId ? ((await opts.redis.xRange(key, `(${lastEventId}`, '+')) ?? []) : [];
      for (const entry of backfill) {
        last = entry.id;
        yield toNotice(entry.id, entry.message);
      }
      while (!signal?.aborted) {
        const next = queue.shift();
        if (!next) {
          await new Promise<void>((resolve) => (wake = resolve));
          wake = null;
          continue;
        }
        if (compareStreamIds(next.id, last) <= 0) continue; // already sent by the backfill
        last = next.id;
        yield next;
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      unlisten();
    }
  }

  /**
   * Resolves true as soon as `done` accepts a notice of the organization (kept
   * notices from `sinceId` on are checked first, then live ones), false after
   * `timeoutMs`. `done` sees each notice at most once, oldest first.
   */
  async function waitFor(organizationId: string, sinceId: string, done: (notice: Notice) => boolean, timeoutMs: number): Promise<boolean> {
    let finish: (value: boolean) => void = () => undefined;
    const outcome = new Promise<boolean>((resolve) => (finish = resolve));
    let last = '0-0';
    let backfilled = false;
    const early: Notice[] = [];
    const check = (notice: Notice) => {
      if (compareStreamIds(notice.id, last) <= 0) return;
      last = notice.id;
      if (done(notice)) finish(true);
    };
    // Listen first, then read what is kept: a notice written in between is seen by one or the other.
    const unlisten = await listen(organizationId, (notice) => (backfilled ? check(notice) : early.push(notice)));
    const timer = setTimeout(() => finish(false), timeoutMs);
    try {
      const kept = (await opts.redis.xRange(opts.keys.changes(organizationId), sinceId, '+')) ?? [];
      for (const entry of kept) check(toNotice(entry.id, entry.message));
      for (const notice of early) check(notice);
      backfilled = true;
      return await outcome;
    } finally {
      clearTimeout(timer);
      unlisten();
    }
  }

  return { subscribe, waitFor };
}

export type NoticeHub = ReturnType<typeof createNoticeHub>;
