/**
 * The capacity scenario's live part: how many change notices per second one
 * web process delivers to its live subscribers.
 *
 * Subject: the production app (./app.ts) with N real SSE subscribers on one
 * organization (./live-subscribers.ts, via ./live.ts's `openSubscribers`).
 * Board notices are written straight into that organization's notice stream
 * with the projectors' own notice writer, so only the web process's part is
 * measured: its one notice reader, the in-memory fan-out, tRPC's SSE encoding
 * and the writes to N sockets.
 *
 * - Idle: the web process's CPU per open subscriber and second, no notices.
 * - Throughput: a burst of notices written by 8 writers at once; deliveries
 *   per second until every subscriber has every notice, and the web
 *   process's CPU time per delivery.
 * - Latency bound: notices at a stepped rate (open loop); the last step where
 *   every subscriber got every notice with a p99 from write to arrival within
 *   100 ms, as deliveries per second (rate × N).
 *
 * Baseline: the notice hub alone (src/server/realtime/notices.ts) in this
 * process, the same N subscribers as in-memory consumers, a burst written the
 * same way: the fan-out without HTTP, i.e. the ceiling the transport lowers.
 */
import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { createNoticeWriter, type TouchedOrganizations } from '../../src/server/realtime/notice-writer';
import { createNoticeHub } from '../../src/server/realtime/notices';
import { createBlockingReads } from '../../src/server/redis/blocking-reads';
import { createBlockingRedis, createRedis } from '../../src/server/redis/client';
import { createKeys } from '../../src/server/redis/keys';
import { KEY_PREFIX, type BenchApp } from './app';
import type { Bench, Figures } from './contract';
import { countPairs, openSubscribers, type Subscribers } from './live';
import { fmt, runPool } from './measure';
import { collected, wallClockMs } from './messages';
import { ownCpuMs } from './proc-cpu';
import { percentile } from './stats';

export interface FanoutSizes {
  subscribers: number;
  /** Notices per second written to the organization, step by step, until one fails. */
  steps: number[];
  stepSeconds: number;
  /** Notices the hub baseline writes in its burst. */
  hubNotices: number;
  /** Notices of the SSE burst (each delivered to every subscriber). */
  burstNotices: number;
  /** The quiet period of the idle measurement. */
  idleSeconds: number;
}

const P99_MS = 100;
const GRACE_MS = 5_000;
const WRITERS = 8;
const logger = pino({ level: 'silent' });
const touched = (organizationId: string, aggregate: string): TouchedOrganizations => new Map([[organizationId, { lastId: '0-0', aggregates: new Set([aggregate]) }]]);

/** The hub alone: deliveries per second to `subscribers` in-memory consumers, and this process's CPU per delivery. */
async function measureHub(bench: Bench, subscribers: number, notices: number): Promise<{ perSecond: number; cpuUs: number }> {
  const redis = createRedis({ url: bench.redisUrl, logger, name: 'bench-capacity-hub' });
  await redis.connect();
  const reads = createBlockingReads({ command: redis, open: (group) => createBlockingRedis({ url: bench.redisUrl, logger, name: `bench-capacity-hub${group}` }) });
  const keys = createKeys('cap-hub');
  const organizationId = 'cap-hub-org';
  const hub = createNoticeHub({ redis, reads, keys, logger });
  const writer = createNoticeWriter({ redis, keys, logger, maxLen: 10_000 });
  const stop = new AbortController();
  setMaxListeners(subscribers + 10, stop.signal); // every consumer listens for the abort
  const seen = new Array<number>(subscribers).fill(0);
  let delivered = 0;
  const consumers = seen.map(async (_, i) => {
    for await (const notice of hub.subscribe(organizationId, null, stop.signal)) {
      if (notice.aggregates[0] !== 'probe') delivered += 1;
      seen[i] = (seen[i] ?? 0) + 1;
    }
  });
  try {
    // Every consumer listens once it received a probe.
    const deadline = Date.now() + 30_000;
    while (seen.some((n) => n === 0)) {
      if (Date.now() > deadline) throw new Error('the hub consumers did not all receive the probe');
      await writer.send('board', 0, touched(organizationId, 'probe'));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const expected = notices * subscribers;
    const [cpu0, t0] = [ownCpuMs(), performance.now()];
    await runPool(notices, WRITERS, 60_000, async (_, i) => {
      await writer.send('board', 0, touched(organizationId, `n-${i}`));
      return 1;
    });
    while (delivered < expected && performance.now() - t0 < 60_000) await new Promise((resolve) => setTimeout(resolve, 5));
    const ms = performance.now() - t0;
    const cpuMs = ownCpuMs() - cpu0;
    if (delivered < expected) throw new Error(`the hub delivered ${delivered} of ${expected} notices within 60 s`);
    return { perSecond: (delivered * 1000) / ms, cpuUs: (cpuMs * 1000) / delivered };
  } finally {
    stop.abort();
    await Promise.allSettled(consumers);
    reads.close();
    redis.destroy();
  }
}

interface Step {
  perSecond: number;
  notices: number;
  latencies: Float64Array;
  missed: number;
  webCpuUs: number;
}

/** Writes board notices at `perSecond` for `seconds` (open loop), then matches every (subscriber, notice) pair. */
async function ssePhase(app: BenchApp, subscribers: Subscribers, write: (id: string) => Promise<void>, perSecond: number, seconds: number, step: number): Promise<Step> {
  const total = Math.max(1, Math.round(perSecond * seconds));
  const ids = Array.from({ length: total }, (_, i) => `fanout-${step}-${i}`);
  const sentAt = new Float64Array(total);
  const [web0 = 0] = app.usage.cpuMs();
  const pending: Array<Promise<void>> = [];
  const start = wallClockMs() + 20;
  for (let next = 0; next < total; ) {
    const now = wallClockMs();
    while (next < total && start + (next * 1000) / perSecond <= now) {
      sentAt[next] = start + (next * 1000) / perSecond;
      pending.push(write(ids[next] ?? ''));
      next += 1;
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(pending);
  const deadline = Date.now() + GRACE_MS;
  while ((await countPairs(subscribers.children)) < total * subscribers.count && Date.now() <= deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  const [web1 = 0] = app.usage.cpuMs();
  const parts = await Promise.all(subscribers.children.map((c) => c.ask({ type: 'collect', ids, sentAt }, collected, 30_000)));
  const latencies = Float64Array.from(parts.flatMap((p) => [...p.latencies])).sort();
  const missed = parts.reduce((sum, p) => sum + p.missed, 0);
  return { perSecond, notices: total, latencies, missed, webCpuUs: ((web1 - web0) * 1000) / Math.max(1, latencies.length) };
}

/** Writes `notices` board notices with 8 writers at once; deliveries per second until every subscriber has every one. */
async function ssePhaseBurst(app: BenchApp, subscribers: Subscribers, write: (id: string) => Promise<void>, notices: number): Promise<{ perSecond: number; webCpuUs: number; missed: number }> {
  const ids = Array.from({ length: notices }, (_, i) => `burst-${i}`);
  const expected = notices * subscribers.count;
  const [web0 = 0] = app.usage.cpuMs();
  const t0 = performance.now();
  const sentAt = new Float64Array(notices).fill(wallClockMs());
  await runPool(notices, WRITERS, 60_000, async (_, i) => {
    await write(ids[i] ?? '');
    return 1;
  });
  while ((await countPairs(subscribers.children)) < expected && performance.now() - t0 < 60_000) await new Promise((resolve) => setTimeout(resolve, 20));
  const ms = performance.now() - t0;
  const [web1 = 0] = app.usage.cpuMs();
  const parts = await Promise.all(subscribers.children.map((c) => c.ask({ type: 'collect', ids, sentAt }, collected, 30_000)));
  const delivered = parts.reduce((sum, p) => sum + p.latencies.length, 0);
  return { perSecond: (delivered * 1000) / ms, webCpuUs: ((web1 - web0) * 1000) / Math.max(1, delivered), missed: parts.reduce((sum, p) => sum + p.missed, 0) };
}

interface SseResult {
  /** Web CPU µs per open subscriber per second, no notices. */
  idleUs: number;
  burst: { perSecond: number; webCpuUs: number; missed: number };
  passed: Step | null;
  first: Step | null;
}

async function measureSse(bench: Bench, app: BenchApp, sizes: FanoutSizes): Promise<SseResult> {
  const redis = createRedis({ url: bench.redisUrl, logger, name: 'bench-capacity-notices' });
  await redis.connect();
  try {
    const writer = createNoticeWriter({ redis, keys: createKeys(KEY_PREFIX), logger, maxLen: 10_000 });
    const write = (id: string) => writer.send('board', 0, touched(app.organizationId, id));
    bench.progress('capacity', `fan-out: opening ${sizes.subscribers} SSE subscriptions…`);
    const subscribers = await openSubscribers(app, sizes.subscribers);
    let passed: Step | null = null;
    let first: Step | null = null;
    try {
      bench.progress('capacity', `fan-out: ${sizes.subscribers} subscribers idle for ${sizes.idleSeconds} s…`);
      const [idle0 = 0] = app.usage.cpuMs();
      await new Promise((resolve) => setTimeout(resolve, sizes.idleSeconds * 1000));
      const [idle1 = 0] = app.usage.cpuMs();
      const idleUs = ((idle1 - idle0) * 1000) / (sizes.subscribers * sizes.idleSeconds);
      bench.log(`  fan-out idle: web CPU ${idleUs.toFixed(1)} µs per open subscriber per second`);
      bench.progress('capacity', `fan-out: a burst of ${sizes.burstNotices} notices to ${sizes.subscribers} subscribers…`);
      const burst = await ssePhaseBurst(app, subscribers, write, sizes.burstNotices);
      bench.log(`  fan-out burst, ${sizes.burstNotices} notices × ${sizes.subscribers} subscribers: ${fmt(burst.perSecond)} deliveries/s, web CPU ${burst.webCpuUs.toFixed(1)} µs per delivery, missed ${burst.missed}`);
      if (burst.missed > 0) throw new Error(`the SSE burst missed ${burst.missed} deliveries`);
      for (const [i, rate] of sizes.steps.entries()) {
        bench.progress('capacity', `fan-out: ${rate} notices/s to ${sizes.subscribers} subscribers for ${sizes.stepSeconds} s…`);
        const step = await ssePhase(app, subscribers, write, rate, sizes.stepSeconds, i);
        first ??= step;
        const p99 = percentile(step.latencies, 99);
        const ok = step.missed === 0 && p99 <= P99_MS;
        bench.log(
          `  fan-out ${rate} notices/s × ${sizes.subscribers} subscribers: p50 ${percentile(step.latencies, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, ` +
            `missed ${step.missed}, web CPU ${step.webCpuUs.toFixed(1)} µs per delivery  ${ok ? 'ok' : `over (p99 > ${P99_MS} ms or missed)`}`,
        );
        if (!ok) break;
        passed = step;
      }
      return { idleUs, burst, passed, first };
    } finally {
      await subscribers.close();
    }
  } finally {
    redis.destroy();
  }
}

/** `app`: the running production app (./app.ts), started and stopped by the caller. */
export async function measureFanoutCapacity(bench: Bench, app: BenchApp, sizes: FanoutSizes): Promise<Figures> {
  bench.progress('capacity', `fan-out: the notice hub alone, ${sizes.subscribers} consumers…`);
  const hub = await measureHub(bench, sizes.subscribers, sizes.hubNotices);
  bench.log(`  fan-out, hub alone: ${fmt(hub.perSecond)} deliveries/s to ${sizes.subscribers} in-memory consumers, ${hub.cpuUs.toFixed(2)} µs CPU per delivery`);
  const { idleUs, burst, passed, first } = await measureSse(bench, app, sizes);
  const shown = passed ?? first;
  const top = sizes.steps.at(-1) ?? 0;
  const reachedTop = passed?.perSecond === top;
  return {
    'capacity.fanout.hub_per_s': { value: hub.perSecond, unit: 'notices/s', label: `notice hub alone, in-process: deliveries/s to ${sizes.subscribers} consumers, burst of ${sizes.hubNotices}` },
    'capacity.fanout.hub_cpu_us': { value: hub.cpuUs, unit: 'µs', label: 'CPU per delivery, notice hub alone (writer included)' },
    'capacity.fanout.sse_per_s': {
      value: burst.perSecond,
      unit: 'notices/s',
      label: `one web process: deliveries/s over SSE to ${sizes.subscribers} subscribers of one organization, burst of ${sizes.burstNotices} notices`,
    },
    'capacity.fanout.web_cpu_us': { value: burst.webCpuUs, unit: 'µs', label: 'web process CPU per SSE delivery, in that burst' },
    'capacity.fanout.idle_web_cpu_us': { value: idleUs, unit: 'µs', label: `web process CPU per open SSE subscriber per second, no notices (${sizes.idleSeconds} s)` },
    'capacity.fanout.sse_p99_bound_per_s': {
      value: passed ? passed.perSecond * sizes.subscribers : 0,
      unit: 'notices/s',
      label: `deliveries/s at the last stepped rate with p99 ≤ ${P99_MS} ms and none missed${reachedTop ? ' (the last step: the limit is higher)' : ''}`,
      ...(reachedTop ? { cut: true } : {}),
    },
    'capacity.fanout.sse_p99_ms': { value: shown ? percentile(shown.latencies, 99) : 0, unit: 'ms', label: `p99 notice write → SSE arrival at ${shown?.perSecond ?? 0} notices/s${passed ? '' : ' (the first step; none passed)'}` },
    'capacity.fanout.subscribers': { value: sizes.subscribers, unit: 'count', label: 'SSE subscribers (and hub consumers) the fan-out was measured with' },
  };
}
