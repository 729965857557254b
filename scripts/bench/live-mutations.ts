/**
 * Child process of scenario 4 (./live.ts): an open-loop mutation generator.
 * Mutation i is due at start + i / rate, whatever the answers to earlier ones
 * (a closed loop would slow down with the server and hide its latency); each
 * is a real `tasks.create` over HTTP, as the UI sends it, with its own
 * idempotency key. Its send time is the time it was due, so a send delayed by
 * a busy generator or the in-flight cap counts against the latency, not for it.
 * Bounded: what could not be sent within 5 s of the run's end is counted as
 * failed, and every request times out after 15 s.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { answerParent } from './children';
import { mutationRequest, wallClockMs } from './messages';

const REQUEST_TIMEOUT_MS = 15_000;
const LATE_MS = 5;
const SEND_LATE_AT_MOST_MS = 5_000;

/** tRPC's answer to `tasks.create` (superjson of a plain object: `json` only). */
const created = z.object({ result: z.object({ data: z.object({ json: z.object({ id: z.string() }) }) }) });

answerParent(async (raw) => {
  const run = mutationRequest.parse(raw);
  const total = Math.max(1, Math.round(run.perSecond * run.seconds));
  const endpoint = `${run.url}/api/trpc/tasks.create`;
  const due = new Float64Array(total);
  const ids: Array<string | null> = new Array<string | null>(total).fill(null);
  let failed = 0;
  let firstFailure: string | null = null;
  let late = 0;
  let inFlight = 0;
  const pending: Array<Promise<void>> = [];

  const send = async (i: number): Promise<void> => {
    const input = {
      organizationId: run.organizationId,
      projectId: run.projectId,
      title: `Live ${process.pid}-${i}`,
      placement: { status: 'todo', after: null, before: null },
      idempotencyKey: randomUUID(),
    };
    try {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: run.cookie },
        body: JSON.stringify({ json: input }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${response.status} ${text.slice(0, 300)}`);
      ids[i] = created.parse(JSON.parse(text)).result.data.json.id;
    } catch (error) {
      failed += 1;
      firstFailure ??= error instanceof Error ? error.message : String(error);
    }
  };

  const intervalMs = 1_000 / run.perSecond;
  const start = wallClockMs() + 20;
  // Past this, mutations still waiting for a slot are not sent at all (an overloaded server would otherwise stretch the run without bound).
  const sendUntil = start + run.seconds * 1_000 + SEND_LATE_AT_MOST_MS;
  let next = 0;
  while (next < total && wallClockMs() < sendUntil) {
    const now = wallClockMs();
    while (next < total && start + next * intervalMs <= now && inFlight < run.maxInFlight) {
      const i = next++;
      due[i] = start + i * intervalMs;
      if (now - (due[i] ?? now) > LATE_MS) late += 1;
      inFlight += 1;
      pending.push(send(i).finally(() => (inFlight -= 1)));
    }
    // Until the next one is due (at least a tick, so answers get handled); sooner is harmless, it just checks again.
    const wait = next < total ? Math.max(1, start + next * intervalMs - wallClockMs()) : 0;
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 50)));
  }
  const unsent = total - next;
  if (unsent > 0) {
    failed += unsent;
    firstFailure ??= `${unsent} not sent: ${run.maxInFlight} requests still in flight ${SEND_LATE_AT_MOST_MS / 1_000} s after the run`;
  }
  await Promise.all(pending);
  const seconds = (wallClockMs() - start) / 1_000;
  const done = ids.flatMap((id, i) => (id === null ? [] : [i]));
  return {
    ids: done.map((i) => ids[i] ?? ''),
    sentAt: Float64Array.from(done, (i) => due[i] ?? 0),
    failed,
    firstFailure,
    late,
    seconds,
  };
});
