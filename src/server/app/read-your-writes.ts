/**
 * Read-your-writes for the app's commands: after an append, wait (bounded)
 * until every read model that reads the appended types has committed past
 * the command's last event, so the caller's next query sees it.
 *
 * - A worker holds the partition: follow the organization's change notices
 *   (the process's one notice reader; no polling, no Postgres).
 * - Nobody holds it (serverless, or no worker running): drain the partition
 *   in-process, in small batches and only for those read models, until the
 *   drain's own notices end the wait. The rest (the archive, reactors, read
 *   models that lag) is drained after the response (`after()` from
 *   next/server; outside a request, in the background), bounded, one drain
 *   per process at a time.
 *
 * Edit this file to change how long a command waits, or what it waits for.
 */
import { randomUUID } from 'node:crypto';
import { after } from 'next/server';
import type { ReadYourWrites } from '~/server/commands/handler';
import { compareStreamIds, type Position } from '~/server/events/envelope';
import type { Projector } from '~/server/projectors/define-projector';
import { logger } from '~/server/logger';
import type { Notice, NoticeHub } from '~/server/realtime/notices';
import { createAppRuntime, projectors } from './projectors';

/** How long a command waits for its read models before answering `settled: false`. */
const WAIT_MS = 2_000;
/** Notices are looked up from a little before the event: the notice stream may live on another Redis node, with its own clock. */
const CLOCK_SKEW_MS = 5_000;

// globalThis has no such slot in its type; one instance survives dev hot reloads there.
const globalForDrain = globalThis as unknown as { streamlineInlineRuntime?: { id: string; runtime: ReturnType<typeof createAppRuntime> } };

/** Entries per batch of an inline drain: small, so a request stops soon after its own events are in. */
const INLINE_BATCH = 100;

/** One runtime per process for inline drains, so consumer groups are set up once, not on every command. */
function inline() {
  if (!globalForDrain.streamlineInlineRuntime) {
    const id = `inline-${randomUUID().slice(0, 8)}`;
    globalForDrain.streamlineInlineRuntime = { id, runtime: createAppRuntime(id, { batchSize: INLINE_BATCH }) };
  }
  return globalForDrain.streamlineInlineRuntime;
}

/** Bounds of one drain after a response. */
const LATER_MS = 10_000;
const LATER_EVENTS = 10_000;

const later = { partitions: new Set<number>(), running: null as Promise<void> | null };

/** Drains what a command's own wait left behind, after the response; one such drain per process at a time. */
function drainLater(partition: number): void {
  later.partitions.add(partition);
  later.running ??= (async () => {
    try {
      while (later.partitions.size > 0) {
        const partitions = [...later.partitions];
        later.partitions.clear();
        await inline().runtime.drain({ partitions, maxMs: LATER_MS, maxEvents: LATER_EVENTS, releaseLeases: true });
      }
    } catch (error) {
      logger.warn({ err: error }, 'drain after the response failed; a worker or the cron drain will catch up');
    } finally {
      later.running = null;
    }
  })();
  const running = later.running;
  try {
    after(() => running); // keeps a serverless function alive until the drain ends
  } catch {
    // Outside a request (scripts, tests): the promise runs on in the background.
  }
}

/** Resolves once no drain after a response is running in this process (scripts and tests that must not race one). */
export async function drainsAfterResponsesDone(): Promise<void> {
  while (later.running) await later.running;
}

/** The read models a command waits for: those that read one of its event types and tell subscribers. */
export function readModelsFor(all: ReadonlyArray<Projector>, types: ReadonlyArray<string>): string[] {
  return all.filter((p) => p.notify && !p.raw && types.some((type) => p.handles(type))).map((p) => p.name);
}

/** A stream id a little before `id` (ms-seq), for reading notices that may carry a skewed clock. */
function before(id: string, ms: number): string {
  const at = Number(id.split('-')[0] ?? 0);
  return `${Math.max(0, at - ms)}-0`;
}

/** Tracks which read models have passed `position`; true once all have. */
export function coverage(position: Position, names: ReadonlyArray<string>): (notice: Notice) => boolean {
  const missing = new Set(names);
  return (notice) => {
    if (notice.position.partition === position.partition && compareStreamIds(notice.position.id, position.id) >= 0) missing.delete(notice.projector);
    return missing.size === 0;
  };
}

export function createReadYourWrites(hub: () => NoticeHub, timeoutMs = WAIT_MS): ReadYourWrites {
  return async ({ organizationId, position, types, leaseHolder, earlier = false }) => {
    const names = readModelsFor(projectors, types);
    if (names.length === 0) return true;
    const deadline = Date.now() + timeoutMs;
    // A retry's notices were written for its first attempt, perhaps already read past by this process: read the kept ones.
    const waiting = hub().waitFor(organizationId, before(position.id, CLOCK_SKEW_MS), coverage(position, names), timeoutMs, { kept: earlier });
    // A lease held by this process's own drains is no worker: this process must drain, or nobody will.
    if (leaseHolder === null || leaseHolder === inline().id) {
      // Drain only until the wait is over: the rest is left to a worker or the cron drain.
      const done = new AbortController();
      const stop = () => done.abort();
      waiting.then(stop, stop);
      await inline().runtime.drain({
        partitions: [position.partition],
        projectors: names,
        maxMs: Math.max(0, deadline - Date.now()),
        maxEvents: 5_000,
        releaseLeases: true,
        signal: done.signal,
      });
      drainLater(position.partition);
    }
    return waiting;
  };
}
