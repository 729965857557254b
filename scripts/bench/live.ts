/**
 * Scenario 4, live latency: time from sending a mutation to each subscriber
 * receiving the change notice that covers it, over real SSE connections to
 * the running app.
 *
 * A mutation is a `tasks.create` over HTTP (./live-mutations.ts, open loop at
 * a fixed rate, its own process); its answer names the new task. A notice
 * covers it when it comes from the board read model and names that task among
 * the aggregates its batch changed: the notice that makes a board view show
 * the task (./live-subscribers.ts, up to 100 subscribers per process).
 * Latency = arrival of that notice − the time the mutation was due to be
 * sent; a (subscriber, mutation) pair with no such notice within the grace
 * period after the last answer is missed.
 *
 * (a) 200 subscribers on one organization, 100 mutations/s for 30 s (quick:
 *     10 s; smallest: 10 subscribers for 2 s): p50/p95/p99 and missed.
 * (b) sustained: 100 subscribers, the rate stepped up (25, 50, 100, 200,
 *     400, 800, 1,200, 1,600, … 3,000) until a step's p99 passes 100 ms, a
 *     notice is missed or a mutation fails; `live.sustained_per_s` is the last
 *     rate that passed (the low first steps give a slow machine a figure too).
 * ./memory.ts uses the same phases for the soak.
 */
import type { BenchApp } from './app';
import { startChild, type Child } from './children';
import type { Bench, Figures } from './contract';
import { closed, collected, counted, mutationRun, opened } from './messages';
import { percentile } from './stats';

const PER_CHILD = 100;
/** How long notices may still arrive after the last mutation's answer. */
const GRACE_MS = 5_000;
const MAX_IN_FLIGHT = 512;
const PROBE_WITHIN_MS = 30_000;
const SUSTAINED_P99_MS = 100;

export interface Subscribers {
  children: Child[];
  count: number;
  close: () => Promise<void>;
}

/** `count` subscribers on the app's organization, each listening (it received a probe task's notice) before this resolves. */
export async function openSubscribers(app: BenchApp, count: number): Promise<Subscribers> {
  const children: Child[] = [];
  const close = async () => {
    await Promise.allSettled(children.map((c) => c.ask({ type: 'close' }, closed, 5_000)));
    await Promise.all(children.map((c) => c.stop()));
  };
  try {
    for (let left = count; left > 0; left -= PER_CHILD) children.push(startChild('live-subscribers.ts', 'SSE subscribers'));
    const sizes = children.map((_, i) => Math.min(PER_CHILD, count - i * PER_CHILD));
    const open = await Promise.all(
      children.map((c, i) => c.ask({ type: 'open', url: app.url, cookie: app.cookie, organizationId: app.organizationId, count: sizes[i] ?? 0 }, opened, 60_000)),
    );
    const connected = open.reduce((sum, o) => sum + o.connected, 0);
    if (connected < count) throw new Error(`only ${connected} of ${count} subscriptions connected`);
    // A stream says `connected` before its subscription listens for notices: one task, seen by all, shows they listen.
    const probe = await app.createTask('Live probe');
    const deadline = Date.now() + PROBE_WITHIN_MS;
    while ((await countPairs(children)) < count) {
      if (Date.now() > deadline) throw new Error(`not every subscriber received the probe's notice within ${PROBE_WITHIN_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await Promise.all(children.map((c) => c.ask({ type: 'collect', ids: [probe], sentAt: new Float64Array(1) }, collected, 10_000)));
  } catch (error) {
    await close();
    throw error;
  }
  return { children, count, close };
}

/** (subscriber, task) pairs received since the last collect, over every child. */
export async function countPairs(children: ReadonlyArray<Child>): Promise<number> {
  const counts = await Promise.all(children.map((c) => c.ask({ type: 'count' }, counted, 10_000)));
  return counts.reduce((sum, c) => sum + c.pairs, 0);
}

export interface Phase {
  perSecond: number;
  mutations: number;
  /** Sorted, ms. */
  latencies: Float64Array;
  missed: number;
  failed: number;
  firstFailure: string | null;
  late: number;
  reconnects: number;
  /** Whether the worker had caught up with earlier load when the phase started. */
  settled: boolean;
  /** CPU time per mutation sent, in ms, of the web server (commands, notice fan-out, SSE) and the worker. */
  webCpuMs: number;
  workerCpuMs: number;
}

/** One run of the generator at `perSecond` for `seconds`, then every subscriber's latency for every mutation. */
export async function measurePhase(app: BenchApp, subscribers: Subscribers, perSecond: number, seconds: number): Promise<Phase> {
  const settled = await app.settle();
  const generator = startChild('live-mutations.ts', 'mutation generator');
  const [web0 = 0, worker0 = 0] = app.usage.cpuMs();
  try {
    const request = { url: app.url, cookie: app.cookie, organizationId: app.organizationId, projectId: app.projectId, perSecond, seconds, maxInFlight: MAX_IN_FLIGHT };
    const run = await generator.ask(request, mutationRun, seconds * 1_000 + 60_000);
    const expected = run.ids.length * subscribers.count;
    const deadline = Date.now() + GRACE_MS;
    while ((await countPairs(subscribers.children)) < expected && Date.now() <= deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    const parts = await Promise.all(subscribers.children.map((c) => c.ask({ type: 'collect', ids: run.ids, sentAt: run.sentAt }, collected, 30_000)));
    const latencies = new Float64Array(parts.reduce((sum, p) => sum + p.latencies.length, 0));
    let at = 0;
    for (const p of parts) {
      latencies.set(p.latencies, at);
      at += p.latencies.length;
    }
    latencies.sort();
    const [web1 = 0, worker1 = 0] = app.usage.cpuMs();
    const sent = Math.max(1, run.ids.length + run.failed);
    return {
      webCpuMs: (web1 - web0) / sent,
      workerCpuMs: (worker1 - worker0) / sent,
      perSecond,
      mutations: run.ids.length,
      latencies,
      missed: parts.reduce((sum, p) => sum + p.missed, 0),
      failed: run.failed,
      firstFailure: run.firstFailure,
      late: run.late,
      reconnects: parts.reduce((sum, p) => sum + p.reconnects, 0),
      settled,
    };
  } finally {
    await generator.stop();
  }
}

export function describePhase(phase: Phase): string {
  const ms = (p: number) => `${percentile(phase.latencies, p).toFixed(1)} ms`;
  return (
    `${phase.perSecond}/s: ${phase.mutations} mutations, min ${ms(0)}, p50 ${ms(50)}, p95 ${ms(95)}, p99 ${ms(99)}, max ${ms(100)}, missed ${phase.missed}` +
    `${phase.failed > 0 ? `, ✖ ${phase.failed} failed (${phase.firstFailure ?? '?'})` : ''}${phase.late > 0 ? `, ${phase.late} sent late` : ''}` +
    `${phase.reconnects > 0 ? `, ${phase.reconnects} reconnects` : ''}${phase.settled ? '' : ', started before the worker caught up'}` +
    `, CPU/mutation web ${phase.webCpuMs.toFixed(1)} ms, worker ${phase.workerCpuMs.toFixed(1)} ms`
  );
}

function sizes(bench: Bench) {
  if (bench.smallest) return { subscribers: 10, seconds: 2, sustainedSubscribers: 10, steps: [25, 50], stepSeconds: 1 };
  const steps = [25, 50, 100, 200, 400, 800, 1_200, 1_600, 2_000, 2_500, 3_000];
  if (bench.quick) return { subscribers: 200, seconds: 10, sustainedSubscribers: 100, steps, stepSeconds: 3 };
  return { subscribers: 200, seconds: 30, sustainedSubscribers: 100, steps, stepSeconds: 6 };
}

export async function runLiveScenario(bench: Bench, app: BenchApp): Promise<Figures> {
  const size = sizes(bench);
  const figures: Figures = {};

  bench.progress('live', `(a) opening ${size.subscribers} subscriptions`);
  const many = await openSubscribers(app, size.subscribers);
  try {
    bench.progress('live', `(a) ${size.subscribers} subscribers, 100 mutations/s for ${size.seconds} s`);
    const phase = await measurePhase(app, many, 100, size.seconds);
    bench.log(`  live (a) ${size.subscribers} subscribers  ${describePhase(phase)}`);
    const label = (what: string) => `${what}, mutation → notice, ${size.subscribers} subscribers at 100 mutations/s`;
    figures['live.p50_ms'] = { value: percentile(phase.latencies, 50), unit: 'ms', label: label('median') };
    figures['live.p95_ms'] = { value: percentile(phase.latencies, 95), unit: 'ms', label: label('p95') };
    figures['live.p99_ms'] = { value: percentile(phase.latencies, 99), unit: 'ms', label: label('p99') };
    figures['live.missed'] = { value: phase.missed, unit: 'count', label: `(subscriber, mutation) pairs with no notice within ${GRACE_MS / 1000} s (must be 0)` };
    figures['live.web_cpu_ms'] = { value: phase.webCpuMs, unit: 'ms', label: `web server CPU time per mutation with ${size.subscribers} subscribers` };
    figures['live.worker_cpu_ms'] = { value: phase.workerCpuMs, unit: 'ms', label: 'worker CPU time per mutation' };
    figures['live.failed'] = { value: phase.failed, unit: 'count', label: 'mutations of the live run that failed (must be 0)' };
  } finally {
    await many.close();
  }

  bench.progress('live', `(b) opening ${size.sustainedSubscribers} subscriptions`);
  const few = await openSubscribers(app, size.sustainedSubscribers);
  let sustained: Phase | null = null;
  let first: Phase | null = null;
  try {
    for (const rate of size.steps) {
      bench.progress('live', `(b) sustained, ${size.sustainedSubscribers} subscribers, ${rate} mutations/s for ${size.stepSeconds} s`);
      const phase = await measurePhase(app, few, rate, size.stepSeconds);
      first ??= phase;
      const passed = percentile(phase.latencies, 99) <= SUSTAINED_P99_MS && phase.missed === 0 && phase.failed === 0;
      bench.log(`  live (b) ${size.sustainedSubscribers} subscribers  ${describePhase(phase)}  ${passed ? 'ok' : `over (p99 > ${SUSTAINED_P99_MS} ms, missed or failed)`}`);
      if (!passed) break;
      sustained = phase;
    }
  } finally {
    await few.close();
  }
  const reached = sustained?.perSecond ?? 0;
  const top = size.steps.at(-1) ?? 0;
  figures['live.sustained_per_s'] = {
    value: reached,
    unit: 'mutations/s',
    label: `highest stepped rate with p99 ≤ ${SUSTAINED_P99_MS} ms, 0 missed, ${size.sustainedSubscribers} subscribers${reached === top ? ' (the last step: the limit is higher)' : ''}`,
    ...(reached === top ? { cut: true } : {}),
  };
  const shown = sustained ?? first;
  figures['live.sustained_p99_ms'] = {
    value: shown ? percentile(shown.latencies, 99) : 0,
    unit: 'ms',
    label: sustained ? `p99 at ${reached} mutations/s` : `p99 at ${first?.perSecond ?? 0} mutations/s, the first step (none passed)`,
  };
  return figures;
}
