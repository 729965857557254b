/**
 * Change notices to live subscribers. Projectors append a small notice to
 * each organization's stream after every committed batch (./notice-writer.ts,
 * which must write the fields `toNotice` reads); here, one reader
 * per server process follows the streams that have subscribers (a single
 * blocking Redis connection, never one per browser tab; on a cluster one per
 * hash tag of the watched streams, at most NOTICE_TAGS) and fans notices out
 * in memory.
 *
 * A subscription first registers (so nothing new is missed), then backfills
 * from the client's `lastEventId`, then streams live notices, skipping any it
 * already yielded. Ids are stream ids, so they order and resume exactly.
 */
import type { Logger } from 'pino';
import { z } from 'zod';
import { compareStreamIds } from '~/server/events/envelope';
import { report, type Observer } from '~/server/observer';
import type { BlockingReads } from '~/server/redis/blocking-reads';
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

/**
 * How long one read blocks. Long, so an idle process costs Redis about two
 * commands a minute; a newly watched organization does not wait for it (see
 * `rewatch`), and it stays below the blocking client's command timeout.
 */
const BLOCK_MS = 25_000;
/** Pause after a failed read before the next. */
const RETRY_MS = 1_000;

function toNotice(id: string, fields: Record<string, string>): Notice {
  const aggregates = z.array(z.string()).safeParse(JSON.parse(fields.aggregates ?? '[]'));
  return {
    id,
    projector: fields.projector ?? '',
    position: { partition: Number(fields.partition ?? 0), id: fields.position ?? '0-0' },
    aggregates: aggregates.success ? aggregates.data : [],
  };
}

export function createNoticeHub(opts: { redis: Redis; reads: BlockingReads; keys: Keys; logger: Logger; /** Told when live subscriptions open and end (metrics). */ observer?: Observer }) {
  const listeners = new Map<string, Set<Listener>>();
  const cursors = new Map<string, string>();
  /** Per read group (one on a single server, one per hash tag on a cluster): whether its loop runs, and which organizations its blocked read waits on. */
  const loops = new Map<string, { reading: boolean; readingFor: ReadonlySet<string> }>();
  const groupOf = (organizationId: string) => opts.reads.groupOf(opts.keys.changes(organizationId));
  const loopOf = (group: string) => {
    let loop = loops.get(group);
    if (!loop) {
      loop = { reading: false, readingFor: new Set() };
      loops.set(group, loop);
    }
    return loop;
  };
  const watched = (group: string) => [...listeners.keys()].filter((org) => groupOf(org) === group);

  async function readLoop(group: string) {
    const loop = loopOf(group);
    if (loop.reading) return;
    loop.reading = true;
    try {
      for (;;) {
        // Taken right before the read is sent: a watch added after this point is what `rewatch` wakes the read for.
        const organizations = watched(group);
        if (organizations.length === 0) break;
        loop.readingFor = new Set(organizations);
        try {
          const reply = await opts.reads.group(group).read(
            organizations.map((org) => ({ key: opts.keys.changes(org), id: cursors.get(org) ?? '$' })),
            { blockMs: BLOCK_MS, count: 100 },
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
          await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
        }
      }
    } finally {
      loop.reading = false;
      loop.readingFor = new Set();
    }
  }

  /** A new organization to watch: end its group's blocked read now (it answers as if timed out) rather than after BLOCK_MS. */
  function rewatch(organizationId: string) {
    const group = groupOf(organizationId);
    if (!loopOf(group).reading) {
      void readLoop(group);
      return;
    }
    void wake(group).catch((error: unknown) => opts.logger.warn({ err: error }, 'could not wake the change notice reader'));
  }

  const waking = new Set<string>();
  /**
   * CLIENT UNBLOCK from the command connection. It can reach Redis before the
   * read it is meant for (two connections), and then unblocks nothing (0):
   * tried again, briefly, until the read is blocked or already covers the new watch.
   */
  async function wake(group: string) {
    if (waking.has(group)) return;
    waking.add(group);
    try {
      const loop = loopOf(group);
      const behind = () => loop.reading && watched(group).some((org) => !loop.readingFor.has(org));
      for (let attempt = 0; attempt < 100 && behind(); attempt++) {
        if (await opts.reads.group(group).wake()) return;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    } finally {
      waking.delete(group);
    }
  }

  /**
   * Registers a listener. An organization not watched yet is read from
   * `startAfter` (default: the stream's current end); `fresh` says whether
   * that happened, else the reader was already past some notices and the
   * caller backfills what it needs.
   */
  async function listen(organizationId: string, listener: Listener, startAfter?: string): Promise<{ unlisten: () => void; fresh: boolean }> {
    let fresh = false;
    if (!listeners.has(organizationId)) {
      const start = startAfter ?? ((await opts.redis.xRevRange(opts.keys.changes(organizationId), '+', '-', { COUNT: 1 })) ?? [])[0]?.id ?? '0-0';
      if (!listeners.has(organizationId)) {
        listeners.set(organizationId, new Set());
        cursors.set(organizationId, start);
        // A read still blocked from an earlier watch of it reads from its old cursor, maybe past `start`: not fresh then.
        fresh = startAfter !== undefined && !loopOf(groupOf(organizationId)).readingFor.has(organizationId);
      }
    }
    const set = listeners.get(organizationId) ?? new Set<Listener>();
    set.add(listener);
    rewatch(organizationId);
    const unlisten = () => {
      set.delete(listener);
      if (set.size === 0) {
        listeners.delete(organizationId);
        cursors.delete(organizationId);
      }
    };
    return { unlisten, fresh };
  }

  /** Notices of one organization after `lastEventId` (all kept ones when null), then live ones, until `signal` aborts. */
  async function* subscribe(organizationId: string, lastEventId: string | null, signal: AbortSignal | undefined): AsyncGenerator<Notice> {
    const queue: Notice[] = [];
    let wake: (() => void) | null = null;
    const { unlisten } = await listen(organizationId, (notice) => {
      queue.push(notice);
      wake?.();
    });
    const onAbort = () => wake?.();
    signal?.addEventListener('abort', onAbort);
    report(opts.observer, (o) => o.subscribers?.(1));
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
      report(opts.observer, (o) => o.subscribers?.(-1));
      signal?.removeEventListener('abort', onAbort);
      unlisten();
    }
  }

  /**
   * Resolves true as soon as `done` accepts a notice of the organization
   * written after `sinceId` (kept ones first, then live ones), false after
   * `timeoutMs`. `done` sees each notice at most once, oldest first.
   *
   * `kept: true` reads the kept notices with XRANGE even for an organization
   * nobody watches: for notices written well before the wait (a retried
   * command's), which a read still blocked from an earlier watch of the
   * organization is already past. Without it, the reader's own read from
   * `sinceId` saves that round trip for a command's new notices.
   */
  async function waitFor(
    organizationId: string,
    sinceId: string,
    done: (notice: Notice) => boolean,
    timeoutMs: number,
    options: { kept?: boolean } = {},
  ): Promise<boolean> {
    let finish: (value: boolean) => void = () => undefined;
    const outcome = new Promise<boolean>((resolve) => (finish = resolve));
    let last = sinceId;
    const check = (notice: Notice) => {
      if (compareStreamIds(notice.id, last) <= 0) return;
      last = notice.id;
      if (done(notice)) finish(true);
    };
    let backfilled = false;
    const early: Notice[] = [];
    // An organization nobody watches yet is read from `sinceId` by the reader itself; one already
    // watched is past some notices, so those are read here, after listening (none falls in between).
    const { unlisten, fresh } = await listen(organizationId, (notice) => (backfilled ? check(notice) : early.push(notice)), sinceId);
    const timer = setTimeout(() => finish(false), timeoutMs);
    try {
      if (!fresh || options.kept) {
        const kept = (await opts.redis.xRange(opts.keys.changes(organizationId), `(${sinceId}`, '+')) ?? [];
        for (const entry of kept) check(toNotice(entry.id, entry.message));
      }
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
