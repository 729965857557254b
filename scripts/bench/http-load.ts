/**
 * Child process of scenario 1 (./http.ts): HTTP load with autocannon, one run
 * per message from the parent. Every request is a tRPC mutation over HTTP as
 * the app's client sends it (`httpLink`: POST /api/…/<procedure> with the
 * superjson-encoded input as the body) and the signed-in session cookie;
 * each carries a new idempotency key and title, so every one creates a task.
 *
 * A run loads for a lead-in, then for the measured window; only answers
 * completed inside the window count, with their latency (from the moment the
 * request was built, right before autocannon writes it, to its answer). So
 * the window starts with every connection busy and ends with requests still
 * in flight, as steady state has them, and a slow procedure's first answers
 * (which come late on fresh connections) do not make its rate look lower.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import type { z } from 'zod';
import { answerParent } from './children';
import { loadRequest, type loadResult } from './messages';
import { percentile } from './stats';

let sent = 0;

function body(organizationId: string, projectId: string): string {
  sent += 1;
  const input = {
    organizationId,
    projectId,
    title: `Bench task ${process.pid}-${sent}`,
    placement: { status: 'todo', after: null, before: null },
    idempotencyKey: randomUUID(),
  };
  // What superjson.serialize gives for plain JSON input: { json: input } and no meta.
  return JSON.stringify({ json: input });
}

answerParent(async (message) => {
  const run = loadRequest.parse(message);
  let firstFailure: string | null = null;
  // autocannon gives each request a fresh context object, handed to setupRequest and then to onResponse.
  const builtAt = new WeakMap<object, number>();
  const answers: Array<{ at: number; ms: number }> = [];
  const start = performance.now();
  const result = await autocannon({
    url: `${run.url}${run.path}`,
    connections: run.connections,
    duration: run.leadInSeconds + run.seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: run.cookie },
    requests: [
      {
        setupRequest: (request, context) => {
          builtAt.set(context, performance.now());
          return { ...request, body: body(run.organizationId, run.projectId) };
        },
        onResponse: (status, responseBody, context) => {
          const at = performance.now();
          if (status < 300) answers.push({ at, ms: at - (builtAt.get(context) ?? at) });
          else firstFailure ??= `${status} ${responseBody.slice(0, 300)}`;
        },
      },
    ],
  });
  const from = start + run.leadInSeconds * 1_000;
  const to = from + run.seconds * 1_000;
  const inWindow = answers.filter((a) => a.at >= from && a.at <= to).map((a) => a.ms);
  inWindow.sort((a, b) => a - b);
  return {
    ok: inWindow.length,
    seconds: run.seconds,
    p50: percentile(inWindow, 50),
    p99: percentile(inWindow, 99),
    answered: answers.length,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    firstFailure,
  } satisfies z.infer<typeof loadResult>;
});
