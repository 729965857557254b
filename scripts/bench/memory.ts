/**
 * Scenario 6, memory: peak resident memory of the web server and the worker
 * across every app scenario (sampled by ./app.ts), and with `--soak N` a
 * steady moderate load for N seconds (50 subscribers, 50 mutations/s, the
 * phases of ./live.ts in chunks of 30 s so the bench's own bookkeeping stays
 * small) with the growth of each process's memory from the end of the warm-up
 * (a fifth of the soak, at most 60 s) to the end, each measured as the mean of
 * the readings over the last 10 s before it.
 */
import type { BenchApp } from './app';
import type { Bench, Figures } from './contract';
import { describePhase, measurePhase, openSubscribers } from './live';
import { percentile } from './stats';

const SOAK_SUBSCRIBERS = 50;
const SOAK_PER_SECOND = 50;
const CHUNK_S = 30;
const WINDOW_MS = 10_000;

export function peakFigures(app: BenchApp): Figures {
  const [web = 0, worker = 0] = app.usage.peak();
  return {
    'memory.web_peak_mb': { value: web, unit: 'MB', label: 'peak RSS of the web server (next start, its process group)' },
    'memory.worker_peak_mb': { value: worker, unit: 'MB', label: 'peak RSS of the worker' },
  };
}

const growth = (from: number, to: number) => (from > 0 ? ((to - from) / from) * 100 : 0);

export async function runSoak(bench: Bench, app: BenchApp): Promise<Figures> {
  const total = bench.soakSeconds;
  const warmUp = Math.min(60, total / 5);
  const subscribers = await openSubscribers(app, SOAK_SUBSCRIBERS);
  const started = Date.now();
  let warmedAt = 0;
  let worstP99 = 0;
  let missed = 0;
  let failed = 0;
  try {
    // Chunks of at least a second, until less than one is left.
    for (let done = 0; total - done >= 1; ) {
      const seconds = Math.min(CHUNK_S, total - done, warmedAt === 0 ? Math.max(1, warmUp - done) : CHUNK_S);
      bench.progress('soak', `${Math.round(done)} / ${total} s, ${SOAK_SUBSCRIBERS} subscribers, ${SOAK_PER_SECOND} mutations/s`);
      const phase = await measurePhase(app, subscribers, SOAK_PER_SECOND, seconds);
      done = (Date.now() - started) / 1_000;
      if (warmedAt === 0 && done >= warmUp) warmedAt = Date.now();
      worstP99 = Math.max(worstP99, percentile(phase.latencies, 99));
      missed += phase.missed;
      failed += phase.failed;
      bench.log(`  soak ${Math.round(done)} s  ${describePhase(phase)}`);
    }
  } finally {
    await subscribers.close();
  }
  const ended = Date.now();
  const before = app.usage.mean(warmedAt - WINDOW_MS, warmedAt);
  const after = app.usage.mean(ended - WINDOW_MS, ended);
  const [web, worker] = [0, 1].map((i) => growth(before?.[i] ?? 0, after?.[i] ?? 0));
  bench.log(`  soak RSS web ${before?.[0]?.toFixed(0)} → ${after?.[0]?.toFixed(0)} MB, worker ${before?.[1]?.toFixed(0)} → ${after?.[1]?.toFixed(0)} MB`);
  return {
    'memory.soak_growth_pct': { value: Math.max(web ?? 0, worker ?? 0), unit: '%', label: `RSS growth over a ${total} s soak after warm-up, the larger of web and worker` },
    'memory.soak_web_growth_pct': { value: web ?? 0, unit: '%', label: 'web server RSS growth over the soak' },
    'memory.soak_worker_growth_pct': { value: worker ?? 0, unit: '%', label: 'worker RSS growth over the soak' },
    'memory.soak_p99_ms': { value: worstP99, unit: 'ms', label: `worst p99 mutation → notice of a soak chunk (${SOAK_PER_SECOND}/s, ${SOAK_SUBSCRIBERS} subscribers)` },
    'memory.soak_missed': { value: missed + failed, unit: 'count', label: 'missed notices and failed mutations over the soak (must be 0)' },
  };
}
