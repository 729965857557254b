/**
 * Read-your-writes for the app's commands: after an append, wait (bounded)
 * until every read model that reads the appended types has committed past
 * the command's last event, so the caller's next query sees it. Also where a
 * command makes sure its partition gets drained when no worker will.
 *
 * - `PROJECTORS_MODE=worker` and a worker holds the partition: follow the
 *   organization's change notices (the process's one notice reader; no
 *   polling, no Postgres).
 * - `worker` mode and nobody holds it (no worker running): drain the
 *   partition in-process, in small batches and only for those read models,
 *   until the drain's own notices end the wait; then drain the rest (the
 *   archive, reactors, read models that lag) after the response.
 * - `PROJECTORS_MODE=serverless` (Vercel): there are no workers, only drains
 *   of other instances that give the lease back when done. Every command
 *   drains as above whoever holds the lease (waiting for a busy lease while
 *   its own wait lasts), and always schedules the drain of every projector
 *   after the response, which waits for a busy lease too, within its bound.
 *
 * The drain after a response starts inside `after()` from next/server, so it
 * never delays the response and keeps a serverless function alive until it
 * ends (outside a request it runs in the background); one such drain runs
 * per process at a time, bounded, and the cron drain catches up whatever it
 * leaves.
 *
 * Edit this file to change how long a command waits, or what it waits for.
 */
import { randomUUID } from 'node:crypto';
import { after } from 'next/server';
import type { Env } from '~/env';
import type { ReadYourWrites } from '~/server/commands/handler';
import { compareStreamIds, type Position } from '~/server/events/envelope';
import type { Projector } from '~/server/projectors/define-projector';
import { logger } from '~/server/logger';
import type { Notice, NoticeHub } from '~/server/realtime/notices';
import { createAppRuntime, projectors } from './projectors';

type ProjectorsMode = Env['PROJECTORS_MODE'];

/** How long a command waits for its read models before answering `settled: false`. */
const WAIT_MS = 2_000;
/** Notices are looked up from a little before the event: the notice stream may live on another Redis node, with its own clock. */
const CLOCK_SKEW_MS = 5_000;
/**
 * How soon a serverless drain asks again for a lease another instance's drain
 * holds: 100 ms, doubling up to 1 s, so a long wait costs Redis a handful of
 * requests, not one every tick.
 */
const busyRetryMs = (attempt: number) => Math.min(100 * 2 ** attempt, 1_000);

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

/** Bounds of one drain after a response: time spent draining, and entries per pass. */
const LATER_MS = 10_000;
const LATER_EVENTS = 10_000;
/**
 * How long a serverless drain after a response keeps asking for a busy lease:
 * longer than a lease lives (10 s), so even a dead drain's lease runs out first.
 */
const LEASE_WAIT_MS = 12_000;

const later = { partitions: new Set<number>(), running: null as Promise<void> | null };

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Drains the partitions in `later` with every projector until none is left or
 * the bound is reached. `waitForBusy`: a partition whose lease another
 * instance's drain holds is asked for again shortly (serverless, where every
 * holder gives its lease back soon); else it is left to its holder.
 */
async function runLater(waitForBusy: boolean): Promise<void> {
  const deadline = Date.now() + LATER_MS + (waitForBusy ? LEASE_WAIT_MS : 0);
  let drainingMs = 0;
  let busyAttempts = 0;
  try {
    while (later.partitions.size > 0 && Date.now() < deadline && drainingMs < LATER_MS) {
      const partitions = [...later.partitions];
      later.partitions.clear();
      const started = Date.now();
      const maxMs = Math.min(LATER_MS - drainingMs, deadline - started);
      const drained = await inline().runtime.drain({ partitions, maxMs, maxEvents: LATER_EVENTS, releaseLeases: true });
      drainingMs += Date.now() - started;
      const unfinished = drained.events >= LATER_EVENTS ? drained.partitions : [];
      const busy = waitForBusy ? partitions.filter((p) => !drained.partitions.includes(p)) : [];
      for (const p of [...unfinished, ...busy]) later.partitions.add(p);
      busyAttempts = busy.length > 0 ? busyAttempts + 1 : 0;
      if (busy.length > 0) await sleep(busyRetryMs(busyAttempts - 1));
    }
  } catch (error) {
    logger.warn({ err: error }, 'drain after the response failed; a worker or the cron drain will catch up');
  }
}

/** Drains `partition` with every projector after the response; one such drain per process at a time. */
function drainLater(partition: number, mode: ProjectorsMode): void {
  later.partitions.add(partition);
  const start = (): Promise<void> => {
    // A drain already running takes the partition from the set; another command's drain may have taken it already.
    if (!later.running && later.partitions.size > 0) {
      const running = runLater(mode === 'serverless');
      later.running = running;
      void running.finally(() => {
        if (later.running === running) later.running = null;
      });
    }
    return later.running ?? Promise.resolve();
  };
  try {
    after(start); // runs once the response is sent, and keeps a serverless function alive until the drain ends
  } catch {
    void start(); // outside a request (scripts, tests): in the background, now
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

/**
 * Drains `partition` for the read models `names` until `signal` says the wait
 * is over or the deadline passes. `waitForBusy`: while another instance's
 * drain holds the lease, ask again shortly instead of giving up.
 */
async function drainWhileWaiting(partition: number, names: string[], signal: AbortSignal, deadline: number, waitForBusy: boolean): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const drained = await inline().runtime.drain({
      partitions: [partition],
      projectors: names,
      maxMs: Math.max(0, deadline - Date.now()),
      maxEvents: 5_000,
      releaseLeases: true,
      signal,
    });
    if (!waitForBusy || drained.partitions.includes(partition) || signal.aborted || Date.now() + busyRetryMs(attempt) >= deadline) return;
    await sleep(busyRetryMs(attempt), signal);
  }
}

export function createReadYourWrites(hub: () => NoticeHub, options: { mode: ProjectorsMode; timeoutMs?: number }): ReadYourWrites {
  const { mode, timeoutMs = WAIT_MS } = options;
  const serverless = mode === 'serverless';
  return async ({ organizationId, position, types, leaseHolder, earlier = false }) => {
    // A lease held by this process's own drains is no worker: this process must drain, or nobody will.
    // Serverless has no workers at all: whoever holds the lease is a drain that ends soon.
    const mustDrain = serverless || leaseHolder === null || leaseHolder === inline().id;
    if (serverless) drainLater(position.partition, mode); // archive and reactors too, whatever the command waits for
    const names = readModelsFor(projectors, types);
    if (names.length === 0) return true;
    const deadline = Date.now() + timeoutMs;
    // A retry's notices were written for its first attempt, perhaps already read past by this process: read the kept ones.
    const waiting = hub().waitFor(organizationId, before(position.id, CLOCK_SKEW_MS), coverage(position, names), timeoutMs, { kept: earlier });
    if (mustDrain) {
      // Drain only until the wait is over: the rest is left to the drain after the response.
      const done = new AbortController();
      const stop = () => done.abort();
      waiting.then(stop, stop);
      await drainWhileWaiting(position.partition, names, done.signal, deadline, serverless);
      if (!serverless) drainLater(position.partition, mode);
    }
    return waiting;
  };
}
