/**
 * The capacity scenario's drain part: how many events per second the app's
 * full projector set (archive and mailer included, the real set of
 * ./drain.ts) applies from ONE partition, against the same number of events
 * spread over every partition and drained by one worker process per
 * partition at once. A partition is drained by one worker at a time (its
 * lease), so the first figure is the per-partition ceiling and the second
 * what parallel workers add on this machine.
 *
 * Each side runs twice (one, all, all, one: load from other processes comes
 * and goes; once at the smallest size) and its best run counts. Each run has its own key space and
 * database: the app's events
 * (./app-events.ts) are preloaded with every organization on partition 0
 * (an event store of one partition) or spread over all of them, then the
 * workers (./capacity-drainer.ts) are started and ready before the clock
 * starts. Beside the rate: CPU time per event of the workers, PostgreSQL and
 * Redis. The read side must then hold what the plan created.
 */
import { performance } from 'node:perf_hooks';
import { createKeys } from '../../src/server/redis/keys';
import { planAppEvents, preloadAppEvents } from './app-events';
import { startChild, type Child } from './children';
import { openClients, scenarioDatabase } from './clients';
import type { Bench, Figures } from './contract';
import { fmt, PARTITIONS } from './measure';
import { closed, drainerReady, drainerResult } from './messages';
import { postmasterPid, redisPid, treeCpuMs } from './proc-cpu';
import { appProjectors, appStore, realSetProblems } from './real-set';

export interface DrainSizes {
  /** App events per side. */
  events: number;
  limitMs: number;
  preloadLimitMs: number;
  /** 2: each side twice (one, all, all, one); 1: each once. */
  rounds: 1 | 2;
}

type SideName = 'one_partition' | 'all_partitions';

interface SideResult {
  name: SideName;
  /** Events through the whole set (each projector applied each). */
  events: number;
  ms: number;
  cut: boolean;
  workerCpuMs: number;
  postgresCpuMs: number;
  redisCpuMs: number;
  workers: number;
}

/** The partitions each worker of a side holds. */
const WORKERS: Record<SideName, number[][]> = {
  one_partition: [[0]],
  all_partitions: Array.from({ length: PARTITIONS }, (_, p) => [p]),
};

async function runSide(bench: Bench, name: SideName, round: number, sizes: DrainSizes): Promise<SideResult> {
  const databaseUrl = await scenarioDatabase(bench, `bench_capacity_${name}_${round}`);
  const clients = await openClients({ ...bench, databaseUrl }, `capacity-${name}`);
  const children: Child[] = [];
  try {
    const keyPrefix = `cap-drain-${name}-${round}`;
    const keys = createKeys(keyPrefix);
    const plan = planAppEvents(sizes.events, new Date(), `cap-${name.replace('_', '-')}`); // a slug prefix: no underscores
    // An event store of one partition puts every organization on partition 0.
    const store = { ...appStore(clients.redis, keys, clients.db), partitions: name === 'one_partition' ? 1 : PARTITIONS };
    bench.progress('capacity', `drain ${name}: preloading ${fmt(plan.events)} app events…`);
    await preloadAppEvents(store, plan, sizes.preloadLimitMs, (events) => bench.progress('capacity', `drain ${name}: preloading ${fmt(events)} / ${fmt(plan.events)}…`));

    const workers = WORKERS[name];
    bench.progress('capacity', `drain ${name}: starting ${workers.length} worker process(es)…`);
    for (const [i, partitions] of workers.entries()) {
      const child = startChild('capacity-drainer.ts', `capacity drain worker ${i}`);
      children.push(child);
      await child.ask({ type: 'open', redisUrl: bench.redisUrl, databaseUrl, keyPrefix, partitions, workerId: `capacity-${name}-${round}-${i}` }, drainerReady, 120_000);
    }
    const [redis, postgres] = [await redisPid(clients.redis), await postmasterPid(clients.db)];
    const cpu0 = [treeCpuMs(redis), treeCpuMs(postgres)];
    bench.progress('capacity', `drain ${name}: ${workers.length} worker(s) draining ${fmt(plan.events)} events…`);
    const t0 = performance.now();
    const results = await Promise.all(children.map((c) => c.ask({ type: 'drain', limitMs: sizes.limitMs }, drainerResult, sizes.limitMs + 60_000)));
    const ms = performance.now() - t0;
    const [redisCpuMs = 0, postgresCpuMs = 0] = [treeCpuMs(redis), treeCpuMs(postgres)].map((v, i) => v - (cpu0[i] ?? 0));
    const cut = results.some((r) => r.cut);
    const projectors = await appProjectors();
    const handled = results.reduce((sum, r) => sum + r.handled, 0);
    const events = cut ? handled / projectors.length : plan.events;
    if (!cut) {
      const problems = await realSetProblems(clients, keys, plan, projectors.map((p) => p.name));
      bench.check(`capacity.drain_${name}_tables_${round}`, problems.length === 0, problems.length === 0 ? `every checkpoint at the tip, read tables as planned (${plan.events} events)` : problems.join('; '));
    }
    const workerCpuMs = results.reduce((sum, r) => sum + r.cpuMs, 0);
    return { name, events, ms, cut, workerCpuMs, postgresCpuMs, redisCpuMs, workers: workers.length };
  } finally {
    await Promise.allSettled(children.map((c) => c.ask({ type: 'close' }, closed, 10_000)));
    await Promise.all(children.map((c) => c.stop()));
    await clients.close();
  }
}

const rateOf = (run: SideResult) => (run.ms > 0 ? (run.events * 1000) / run.ms : 0);

/** The best run's rate; CPU per event over both runs. */
function figuresOf(runs: ReadonlyArray<SideResult>, projectorCount: number): Figures {
  const best = [...runs].sort((a, b) => rateOf(b) - rateOf(a))[0];
  if (!best) return {};
  const events = runs.reduce((sum, r) => sum + r.events, 0);
  const perEvent = (of: (r: SideResult) => number) => (events > 0 ? (runs.reduce((sum, r) => sum + of(r), 0) * 1000) / events : 0);
  const what =
    best.name === 'one_partition'
      ? 'every event on one partition, one worker process'
      : `events over ${PARTITIONS} partitions, ${best.workers} worker processes at once (one partition each)`;
  const name = best.name;
  return {
    [`capacity.drain.${name}`]: { value: rateOf(best), unit: 'ev/s', label: `the app's ${projectorCount} projectors, ${what} (best of ${runs.length})`, ...(best.cut ? { cut: true } : {}) },
    [`capacity.drain.${name}_worker_cpu_us`]: { value: perEvent((r) => r.workerCpuMs), unit: 'µs', label: `worker CPU per event, ${name}` },
    [`capacity.drain.${name}_postgres_cpu_us`]: { value: perEvent((r) => r.postgresCpuMs), unit: 'µs', label: `PostgreSQL CPU per event, ${name}` },
    [`capacity.drain.${name}_redis_cpu_us`]: { value: perEvent((r) => r.redisCpuMs), unit: 'µs', label: `Redis CPU per event, ${name}` },
  };
}

const ORDER: ReadonlyArray<SideName> = ['one_partition', 'all_partitions', 'all_partitions', 'one_partition'];

export async function measureDrainCapacity(bench: Bench, sizes: DrainSizes): Promise<Figures> {
  const projectorCount = (await appProjectors()).length;
  const runs: Record<SideName, SideResult[]> = { one_partition: [], all_partitions: [] };
  for (const name of sizes.rounds === 2 ? ORDER : ORDER.slice(0, 2)) {
    const round = runs[name].length + 1;
    const side = await runSide(bench, name, round, sizes);
    runs[name].push(side);
    const us = (ms: number) => ((ms * 1000) / Math.max(1, side.events)).toFixed(0);
    bench.log(
      `  drain ${name} (${round}): ${fmt(side.events)} events in ${(side.ms / 1000).toFixed(1)} s by ${side.workers} worker(s), ${fmt(rateOf(side))} ev/s${side.cut ? ' (cut short)' : ''}; ` +
        `CPU per event: workers ${us(side.workerCpuMs)} µs, PostgreSQL ${us(side.postgresCpuMs)} µs, Redis ${us(side.redisCpuMs)} µs`,
    );
  }
  return { ...figuresOf(runs.one_partition, projectorCount), ...figuresOf(runs.all_partitions, projectorCount) };
}
