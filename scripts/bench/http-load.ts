/**
 * Child process of scenario 1 (./http.ts): HTTP load with autocannon, one run
 * per message from the parent. Every request is a tRPC mutation over HTTP as
 * the app's client sends it (`httpLink`: POST /api/…/<procedure> with the
 * superjson-encoded input as the body) and the signed-in session cookie;
 * each carries a new idempotency key and title, so every one creates a task.
 */
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import type { z } from 'zod';
import { answerParent } from './children';
import { loadRequest, type loadResult } from './messages';

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
  const result = await autocannon({
    url: `${run.url}${run.path}`,
    connections: run.connections,
    duration: run.seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: run.cookie },
    requests: [
      {
        setupRequest: (request) => ({ ...request, body: body(run.organizationId, run.projectId) }),
        onResponse: (status, responseBody) => {
          if (status >= 300 && firstFailure === null) firstFailure = `${status} ${responseBody.slice(0, 300)}`;
        },
      },
    ],
  });
  return {
    ok: result['2xx'],
    seconds: result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    firstFailure,
  } satisfies z.infer<typeof loadResult>;
});
