/**
 * Running projectors without a long-lived worker (Vercel): a cron route calls
 * `cronDrain`, which drains every partition within a time budget and gives the
 * leases back, so a worker or the next drain can take over at once. A fresh
 * drain claims whatever earlier consumers left pending (a drain killed
 * mid-batch, a function that hit its time limit) before reading on.
 *
 * With `PROJECTORS_MODE=serverless` every lease holder is another short
 * drain (or a dead one whose lease runs out within seconds), so a partition
 * found busy is asked for again until the budget ends; with workers, their
 * partitions are theirs and are left alone.
 *
 * Edit it to change what one cron call does, or what it reports.
 */
import { randomUUID } from 'node:crypto';
import { env, type Env } from '~/env';
import { bearerMatches } from '~/server/bearer';
import { createAppRuntime, trimAppStreams } from './projectors';

const BUDGET_MS = 45_000;
const MAX_EVENTS = 100_000;
/** How often a busy partition is asked for again. */
const BUSY_RETRY_MS = 250;

export interface CronDrainReport {
  mode: Env['PROJECTORS_MODE'];
  /** Entries applied (or parked) over all projectors. */
  events: number;
  /** Partitions drained. */
  partitions: number[];
  /** Partitions another holder kept for the whole budget. */
  busy: number[];
  /** Every partition was drained to its end; false when the budget ran out first (the next call goes on). */
  complete: boolean;
  /** Pending entries taken over from other consumers (drains that died mid-batch). */
  claimed: number;
  /** Stream entries trimmed away (every projector and the archive have them). */
  trimmed: number;
  ms: number;
}

export async function cronDrain(authorization: string | null): Promise<{ status: number; body: CronDrainReport | { error: string } }> {
  if (!env.CRON_SECRET) return { status: 404, body: { error: 'Not configured: set CRON_SECRET.' } };
  if (!bearerMatches(authorization, env.CRON_SECRET)) return { status: 401, body: { error: 'Unauthorized' } };

  const runtime = createAppRuntime(`cron-${randomUUID().slice(0, 8)}`);
  const started = Date.now();
  const deadline = started + BUDGET_MS;
  const waitForBusy = env.PROJECTORS_MODE === 'serverless';
  let todo = Array.from({ length: env.EVENT_PARTITIONS }, (_, p) => p);
  const drained: number[] = [];
  let events = 0;
  let claimed = 0;
  let complete = false;
  for (;;) {
    const result = await runtime.drain({ partitions: todo, maxMs: Math.max(0, deadline - Date.now()), maxEvents: MAX_EVENTS - events, releaseLeases: true });
    events += result.events;
    claimed += result.claimed;
    drained.push(...result.partitions);
    todo = todo.filter((p) => !result.partitions.includes(p));
    // A drain that returns before its deadline and event bound has found nothing more to do.
    complete = todo.length === 0 && Date.now() < deadline && events < MAX_EVENTS;
    if (todo.length === 0 || !waitForBusy || events >= MAX_EVENTS || Date.now() + BUSY_RETRY_MS >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, BUSY_RETRY_MS));
  }
  const trimmed = await trimAppStreams();
  return {
    status: 200,
    body: {
      mode: env.PROJECTORS_MODE,
      events,
      partitions: drained.sort((a, b) => a - b),
      busy: todo,
      complete,
      claimed,
      trimmed: trimmed.reduce((n, t) => n + t.removed, 0),
      ms: Date.now() - started,
    },
  };
}
