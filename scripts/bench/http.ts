/**
 * Scenario 1, command throughput over HTTP: the real command against its two
 * baselines on the same running app, 50 connections, signed in, load from a
 * child process (./http-load.ts, autocannon):
 *
 * - command: `tasks.create` through the app's tRPC route, as a client calls it
 *   by default: session, membership from the organization's write-side state,
 *   the project's state, decide, the atomic append (with its idempotency
 *   record and the persistence wait of `appendfsync always`), then the
 *   read-your-writes wait until the board, feed and dashboard read models have
 *   committed the event (the worker's change notices; src/server/app/read-your-writes.ts).
 *   So each answer includes a trip through the worker and Postgres.
 * - noop: a protected mutation with the same input that does nothing: the
 *   floor of HTTP, session, tRPC and input parsing.
 * - crud: the same create-task written straight into Postgres in the
 *   mutation (membership and project queries, one insert), as a CRUD
 *   starter would; no events, no live notices.
 * (Both baselines: src/app/api/bench/[trpc]/route.bench.ts.)
 *
 * Sides are interleaved (A B C, then C B A) after a warm-up of each, so load
 * from other processes on a shared machine spreads over all three; each run
 * starts once the worker has caught up with the runs before it, and counts
 * only the answers of its measured window, after a lead-in (./http-load.ts).
 * A side's rate is its 2xx answers over its windows' time across both rounds;
 * p50 is the mean of its rounds', p99 the worst of them. Any non-2xx answer
 * or connection error is reported as `http.failed`, with the first answer in
 * the log.
 *
 * Each side also reports the CPU time the web server and the worker spent per
 * request (`…web_cpu_ms`, `…worker_cpu_ms`): on a shared machine, other
 * processes' load moves rates and latencies much more than it moves these.
 */
import type { z } from 'zod';
import type { BenchApp } from './app';
import { startChild } from './children';
import type { Bench, Figures } from './contract';
import { loadResult } from './messages';

const CONNECTIONS = 50;
const SIDES = {
  command: { path: '/api/trpc/tasks.create', label: 'tasks.create (events, read-your-writes)' },
  noop: { path: '/api/bench/noop', label: 'no-op protected mutation' },
  crud: { path: '/api/bench/createTaskCrud', label: 'create task the CRUD way (one insert)' },
} as const;
type Side = keyof typeof SIDES;

function sizes(bench: Bench) {
  if (bench.smallest) return { warmUpS: 1, leadInS: 1, runS: 2, rounds: 1 };
  if (bench.quick) return { warmUpS: 2, leadInS: 1.5, runS: 4, rounds: 2 };
  return { warmUpS: 5, leadInS: 3, runS: 12, rounds: 2 };
}

/** One autocannon run, with the CPU time the web server and the worker spent during it. */
type Run = z.infer<typeof loadResult> & { webCpuMs: number; workerCpuMs: number };

export async function runHttpScenario(bench: Bench, app: BenchApp): Promise<Figures> {
  const { warmUpS, leadInS, runS, rounds } = sizes(bench);
  const load = startChild('http-load.ts', 'HTTP load generator');
  const runs: Record<Side, Run[]> = { command: [], noop: [], crud: [] };
  let failed = 0;
  const order: Side[] = ['command', 'noop', 'crud'];
  const one = async (side: Side, leadInSeconds: number, seconds: number, step: string): Promise<Run> => {
    bench.progress('http', `${step}: ${side} (${leadInSeconds + seconds} s)`);
    if (!(await app.settle())) bench.log(`  http ${side}: the projectors had not caught up with earlier load when this run started`);
    const request = { url: app.url, path: SIDES[side].path, cookie: app.cookie, organizationId: app.organizationId, projectId: app.projectId, connections: CONNECTIONS, leadInSeconds, seconds };
    const [web0 = 0, worker0 = 0] = app.usage.cpuMs();
    const answer = await load.ask(request, loadResult, (leadInSeconds + seconds) * 1_000 + 60_000);
    // The worker's share of the run includes what it still had to do after the last answer (the archive, say).
    await app.settle();
    const [web1 = 0, worker1 = 0] = app.usage.cpuMs();
    const run = { ...answer, webCpuMs: web1 - web0, workerCpuMs: worker1 - worker0 };
    if (leadInSeconds > 0 && run.ok === 0) bench.log(`✖ http ${side}: no answer completed in the measured ${seconds} s`);
    const failures = run.non2xx + run.errors;
    if (failures > 0) {
      failed += failures;
      bench.log(`✖ http ${side}: ${run.non2xx} non-2xx answers, ${run.errors} errors (${run.timeouts} timeouts); first: ${run.firstFailure ?? '-'}`);
    }
    return run;
  };
  try {
    for (const side of order) await one(side, 0, warmUpS, 'warm-up');
    for (let round = 1; round <= rounds; round++) {
      const sides = round % 2 === 1 ? order : [...order].reverse();
      for (const side of sides) runs[side].push(await one(side, leadInS, runS, `round ${round}/${rounds}`));
      bench.log(`  http round ${round}  ${order.map((side) => `${side} ${describe(runs[side].at(-1))}`).join('   ')}`);
    }
  } finally {
    await load.stop();
  }

  const figures: Figures = {};
  for (const side of order) {
    const all = runs[side];
    const seconds = all.reduce((sum, r) => sum + r.seconds, 0);
    const rps = seconds > 0 ? all.reduce((sum, r) => sum + r.ok, 0) / seconds : 0;
    figures[`http.${side}.rps`] = { value: rps, unit: 'req/s', label: `${SIDES[side].label}, ${CONNECTIONS} connections` };
    figures[`http.${side}.p50_ms`] = { value: mean(all.map((r) => r.p50)), unit: 'ms', label: `${side}: median latency` };
    figures[`http.${side}.p99_ms`] = { value: Math.max(0, ...all.map((r) => r.p99)), unit: 'ms', label: `${side}: p99 latency` };
    const answered = all.reduce((sum, r) => sum + r.answered, 0);
    const perRequest = (cpu: (r: Run) => number) => (answered > 0 ? all.reduce((sum, r) => sum + cpu(r), 0) / answered : 0);
    figures[`http.${side}.web_cpu_ms`] = { value: perRequest((r) => r.webCpuMs), unit: 'ms', label: `${side}: web server CPU time per request` };
    figures[`http.${side}.worker_cpu_ms`] = { value: perRequest((r) => r.workerCpuMs), unit: 'ms', label: `${side}: worker CPU time per request` };
  }
  figures['http.failed'] = { value: failed, unit: 'count', label: 'non-2xx answers and connection errors over every HTTP run (must be 0)' };
  return figures;
}

function mean(values: number[]): number {
  return values.length > 0 ? values.reduce((sum, v) => sum + v, 0) / values.length : 0;
}

function describe(run: Run | undefined): string {
  if (!run) return '-';
  const cpu = (ms: number) => (ms / Math.max(1, run.answered)).toFixed(1);
  return (
    `${Math.round(run.ok / Math.max(run.seconds, 0.001))} req/s (p50 ${run.p50.toFixed(0)} ms, p99 ${run.p99.toFixed(0)} ms, ` +
    `CPU/req web ${cpu(run.webCpuMs)} ms, worker ${cpu(run.workerCpuMs)} ms)`
  );
}
