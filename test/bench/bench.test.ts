/**
 * `npm run bench` at its smallest setting, as a person runs it: it starts its
 * own servers, builds and starts the production app (the bench build, into
 * .next-bench) for the HTTP, live and memory scenarios, runs the in-process
 * ones (append, drain, rebuild), passes its sanity checks, and writes a JSON
 * with every figure they promise, with its unit, and the ratios built from
 * them. No timing is asserted: only that every figure was measured.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isPortFree } from '../../scripts/lib/ports';
import { runScript } from '../support/run-script';

const dir = mkdtempSync(path.join(tmpdir(), 'streamline-bench-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FIGURES = [
  'http.command.rps',
  'http.command.p50_ms',
  'http.command.p99_ms',
  'http.noop.rps',
  'http.crud.rps',
  'live.p50_ms',
  'live.p95_ms',
  'live.p99_ms',
  'memory.web_peak_mb',
  'memory.worker_peak_mb',
  'append.xadd',
  'append.append_events',
  'drain.raw_multi_row',
  'drain.raw_per_row',
  'drain.simple',
  'drain.archive',
  'drain.real_set',
  'rebuild.board',
] as const;
const RATIOS = ['command_vs_crud', 'command_vs_noop', 'append_vs_xadd', 'drain_vs_raw', 'rebuild_vs_raw'] as const;
/** Counts and rates that may honestly be 0 on a busy machine (no step met its latency bound, nothing missed). */
const COUNTS = ['live.missed', 'live.sustained_per_s'] as const;
const CHECKS = ['drain.tables_agree', 'drain.real_set_tables', 'rebuild.tables_agree'] as const;

const positive = z.number().positive().finite();
const nonNegative = z.number().nonnegative().finite();
const report = z.object({
  settings: z.object({ smallest: z.literal(true), only: z.null() }),
  versions: z.object({ node: z.string(), redis: z.string(), postgres: z.string(), next: z.string(), app: z.string() }),
  machine: z.object({ cores: positive, total_memory_mb: positive, load_average_start: z.array(z.number()), load_average_end: z.array(z.number()) }),
  persistence: z.object({ redis: z.object({ appendonly: z.literal('yes'), appendfsync: z.literal('always'), durability: z.literal('fsync-per-write') }) }),
  scenarios: z.array(z.object({ name: z.string(), ok: z.literal(true) })),
  checks: z.record(z.string(), z.object({ passed: z.boolean(), detail: z.string() })),
  figures: z.record(z.string(), z.object({ value: nonNegative, unit: z.string().min(1), label: z.string().min(1), cut: z.boolean().optional() })),
  ratios: z.record(z.string(), z.number().nullable()),
  live: z.object({ p50_ms: positive, p99_ms: positive, missed: nonNegative, sustained_per_s: nonNegative }),
  memory: z.object({ web_peak_mb: positive, worker_peak_mb: positive }),
});

describe('npm run bench -- --smallest', () => {
  it('measures every figure of its scenarios, passes its checks and writes them all to the JSON', { timeout: 600_000 }, async () => {
    const out = path.join(dir, 'bench.json');
    // As a person runs it: none of this test run's own settings (databases, sign-in switches) leak into the bench or the app it builds.
    const env = { ...process.env };
    for (const key of Object.keys(env)) if (!['PATH', 'HOME', 'TMPDIR', 'CI'].includes(key)) delete env[key];
    const run = await runScript('scripts/bench/main.ts', ['--smallest', '--out', out], env);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);

    const json = report.parse(JSON.parse(readFileSync(out, 'utf8')));
    expect(json.scenarios.map((s) => s.name)).toEqual(['app', 'append', 'drain', 'rebuild']);
    for (const key of FIGURES) {
      expect(json.figures[key]?.value, key).toBeGreaterThan(0);
      expect(json.figures[key]?.cut, `${key} was cut short by its time limit`).toBeUndefined();
    }
    for (const key of COUNTS) expect(json.figures[key], key).toBeDefined();
    expect(json.figures['http.command.rps']?.unit).toBe('req/s');
    expect(json.figures['append.xadd']?.unit).toBe('ops/s');
    expect(json.figures['drain.real_set']?.unit).toBe('ev/s');
    for (const name of RATIOS) expect(json.ratios[name], name).toBeGreaterThan(0);
    for (const name of CHECKS) expect(json.checks[name], name).toMatchObject({ passed: true });
    // The table names each figure too.
    expect(run.stdout).toContain('drain_vs_raw');
  });
});

/** The capacity scenario's figures by unit: throughput, CPU time per operation, latency, count. */
const CAPACITY_FIGURES: Record<string, string> = {
  ...Object.fromEntries(
    ['xadd', 'one_partition', 'all_partitions', 'cluster_xadd', 'cluster_one_partition', 'cluster_all_partitions'].flatMap((side) => [
      [`capacity.append.${side}`, 'ops/s'],
      [`capacity.append.${side}_redis_cpu_us`, 'µs'],
      [`capacity.append.${side}_client_cpu_us`, 'µs'],
    ]),
  ),
  ...Object.fromEntries(
    ['one_partition', 'all_partitions'].flatMap((side) => [
      [`capacity.drain.${side}`, 'ev/s'],
      [`capacity.drain.${side}_worker_cpu_us`, 'µs'],
      [`capacity.drain.${side}_postgres_cpu_us`, 'µs'],
      [`capacity.drain.${side}_redis_cpu_us`, 'µs'],
    ]),
  ),
  'capacity.fanout.hub_per_s': 'notices/s',
  'capacity.fanout.hub_cpu_us': 'µs',
  'capacity.fanout.sse_per_s': 'notices/s',
  'capacity.fanout.sse_p99_bound_per_s': 'notices/s',
  'capacity.fanout.sse_p99_ms': 'ms',
  'capacity.fanout.web_cpu_us': 'µs',
  'capacity.fanout.idle_web_cpu_us': 'µs',
  'capacity.fanout.subscribers': 'count',
  'capacity.read.command_web_cpu_us': 'µs',
  'capacity.read.board_per_s': 'req/s',
  'capacity.read.board_web_cpu_us': 'µs',
  'capacity.read.board_postgres_cpu_us': 'µs',
};
/**
 * Rates that must be positive. CPU times may honestly read 0 in so short a run (clock ticks are 10 ms), and the
 * SSE fan-out 0 on a busy machine (no step met its latency bound), as `live.sustained_per_s` may.
 */
const MAY_BE_ZERO = ['capacity.fanout.sse_p99_bound_per_s', 'capacity.fanout.sse_p99_ms'];
const CAPACITY_RATES = Object.keys(CAPACITY_FIGURES).filter((key) => !key.endsWith('_us') && !MAY_BE_ZERO.includes(key));

const capacityReport = z.object({
  settings: z.object({ smallest: z.literal(true), only: z.tuple([z.literal('capacity')]), capacity_sizes: z.object({ append: z.object({ ops: positive }) }) }),
  scenarios: z.tuple([z.object({ name: z.literal('capacity'), ok: z.literal(true) })]),
  checks: z.record(z.string(), z.object({ passed: z.boolean(), detail: z.string() })),
  figures: z.record(z.string(), z.object({ value: nonNegative, unit: z.string().min(1), label: z.string().min(1), cut: z.boolean().optional() })),
  capacity: z.object({ ratios: z.record(z.string(), z.number().positive().nullable()), per_core: z.record(z.string(), z.number().positive().nullable()) }),
});

describe('npm run bench -- --smallest --only capacity', () => {
  it('starts and stops its own cluster, measures every capacity figure with its unit and derives the ratios', { timeout: 600_000 }, async () => {
    const out = path.join(dir, 'capacity.json');
    const env = { ...process.env };
    for (const key of Object.keys(env)) if (!['PATH', 'HOME', 'TMPDIR', 'CI'].includes(key)) delete env[key];
    const run = await runScript('scripts/bench/main.ts', ['--smallest', '--only', 'capacity', '--out', out], env);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);

    const json = capacityReport.parse(JSON.parse(readFileSync(out, 'utf8')));
    for (const [key, unit] of Object.entries(CAPACITY_FIGURES)) expect(json.figures[key], key).toMatchObject({ unit });
    for (const key of CAPACITY_RATES) expect(json.figures[key]?.value, key).toBeGreaterThan(0);
    // Ratios of rates are always there; a per-core ceiling needs a CPU time of at least one clock tick.
    for (const [name, value] of Object.entries(json.capacity.ratios)) expect(value, name).not.toBeNull();
    for (const name of ['capacity.partitions_on_every_master', 'capacity.drain_one_partition_tables_1', 'capacity.drain_all_partitions_tables_1']) {
      expect(json.checks[name], name).toMatchObject({ passed: true });
    }
    // The cluster lived in the bench's temporary directory: no node of it is left running.
    const cluster = /cluster: 3 masters .*? on (127\.0\.0\.1:\d+)/.exec(run.stdout)?.[1];
    expect(cluster, run.stdout).toBeDefined();
    const port = Number(cluster?.split(':')[1]);
    expect(await isPortFree(port), `a cluster node still listens on ${cluster ?? '?'}`).toBe(true);
  });
});
