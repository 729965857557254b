/**
 * `npm run bench`: what the product costs over the bare primitives it is
 * built on, each scenario beside its baselines in the same run (issue 10).
 * It starts its own Redis and PostgreSQL (./servers.ts), runs the scenarios
 * in turn with a progress line, prints a table and writes every figure with
 * the settings, versions, machine and persistence mode to a JSON file.
 *
 *   npm run bench                  full size
 *   npm run bench -- --quick       the whole run in under 5 minutes on 2 cores
 *   npm run bench -- --smallest    seconds; what the test in `npm test` runs
 *   npm run bench -- --only drain --out drain.json
 *   npm run bench -- --only capacity   the capacity model's ceilings (docs/scaling.md); only when named
 *
 * Only ratios matter (subject / baseline, same run); absolute rates depend on
 * the machine. A missed target is flagged and the exit code stays 0; a
 * scenario that crashes or fails a sanity check makes it 1.
 *
 * Add a scenario: one line in `SCENARIOS` (see ./contract.ts).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runMain } from '../lib/run-main';
import { appendScenario } from './append';
import { capacityScenario } from './capacity';
import { runAppScenarios } from './app-scenarios';
import { parseBenchArgs, USAGE, UsageError, type BenchArgs } from './args';
import type { Bench, Figures, Scenario } from './contract';
import { drainScenario } from './drain';
import { createOutput } from './progress';
import { rebuildScenario } from './rebuild';
import { buildReport, describeEnvironment, formatTable, type Environment, type ScenarioOutcome } from './report';
import { withServers, type Servers } from './servers';
import { sizeSetting, sizesOf } from './sizes';

/**
 * In the issue's order; each runs after those above it and may reuse their
 * figures. `byDefault: false`: runs only when `--only` names it (it would
 * double the default run's time).
 */
const SCENARIOS: ReadonlyArray<{ name: string; run: Scenario; byDefault?: false }> = [
  { name: 'app', run: runAppScenarios }, // 1 HTTP commands, 4 live latency, 6 memory: the production build under load
  { name: 'append', run: appendScenario },
  { name: 'drain', run: drainScenario },
  { name: 'rebuild', run: rebuildScenario },
  { name: 'capacity', run: capacityScenario, byDefault: false }, // per-partition, per-master, per-process ceilings
];

const ROOT = path.resolve(import.meta.dirname, '../..');

function defaultOut(startedAt: Date): string {
  return path.join(ROOT, '.data', 'bench', `bench-${startedAt.toISOString().replaceAll(':', '-').replace(/\.\d+Z$/, 'Z')}.json`);
}

function parseArgsOrExit(): BenchArgs {
  try {
    return parseBenchArgs(process.argv.slice(2), SCENARIOS.map((s) => s.name));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`✖ ${error.message}\n${USAGE}`);
    process.exit(2);
  }
}

runMain(async () => {
  const args = parseArgsOrExit();
  const startedAt = new Date();
  const out = path.resolve(args.out ?? defaultOut(startedAt));
  const selected = SCENARIOS.filter((s) => (args.only ? args.only.includes(s.name) : s.byDefault !== false));
  const output = createOutput();
  const figures: Figures = {};
  const checks: Record<string, { passed: boolean; detail: string }> = {};
  const outcomes: ScenarioOutcome[] = [];
  let environment: Environment | null = null;
  let fatal: unknown = null;

  const runScenarios = async (servers: Servers) => {
    output.progress('describing the servers and the machine…');
    environment = await describeEnvironment(servers);
    const { versions, machine, persistence } = environment;
    output.log(
      `machine: ${machine.cores} CPUs (${machine.cpu_model}), ${machine.total_memory_mb} MB, load ${machine.load_average_start.map((l) => l.toFixed(2)).join(' ')}; ` +
        `Node ${versions.node}, Redis ${versions.redis} (appendonly ${persistence.redis.appendonly}, appendfsync ${persistence.redis.appendfsync}, ` +
        `durability ${persistence.redis.durability}), PostgreSQL ${versions.postgres} (fsync ${persistence.postgres.fsync}); ${sizeSetting(args)} size`,
    );
    for (const [i, scenario] of selected.entries()) {
      const step = `[${i + 1}/${selected.length}]`;
      const bench: Bench = {
        quick: args.quick,
        smallest: args.smallest,
        soakSeconds: args.soakSeconds,
        root: servers.root,
        redisUrl: servers.redisUrl,
        databaseUrl: servers.databaseUrl,
        progress: (name, detail) => output.progress(`${step} ${name}${detail ? `: ${detail}` : ''}`),
        log: output.log,
        figures: { ...figures },
        check: (name, ok, detail) => {
          checks[name] = { passed: ok, detail };
          output.log(`  ${ok ? '✔' : '✖'} ${name}: ${detail}`);
          if (!ok) throw new Error(`check ${name} failed: ${detail}`);
        },
      };
      output.log('');
      bench.progress(scenario.name, 'starting…');
      const t0 = Date.now();
      try {
        Object.assign(figures, await scenario.run(bench));
        outcomes.push({ name: scenario.name, seconds: (Date.now() - t0) / 1000, ok: true });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        outcomes.push({ name: scenario.name, seconds: (Date.now() - t0) / 1000, ok: false, error: message });
        output.log(`✖ ${scenario.name} crashed: ${message}`);
        if (process.env.DEBUG && error instanceof Error) output.log(error.stack ?? '');
      }
    }
  };

  output.progress('starting Redis and PostgreSQL…');
  try {
    await withServers({ appendfsync: args.appendfsync }, runScenarios);
  } catch (error) {
    fatal = error;
  }
  output.done();

  const report = buildReport({
    startedAt,
    finishedAt: new Date(),
    argv: process.argv.slice(2),
    args,
    setting: sizeSetting(args),
    sizes: sizesOf(args),
    environment,
    loadAverageEnd: os.loadavg(),
    figures,
    checks,
    scenarios: outcomes,
  });
  if (Object.keys(figures).length > 0) output.log(['', ...formatTable(figures)].join('\n'));
  const missed = report.targets.filter((t) => !t.met).map((t) => t.name);
  if (report.targets.length > 0) output.log(missed.length > 0 ? `\n✖ target missed: ${missed.join(', ')}` : '\n✔ every measured target met');
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
  const shown = path.relative(process.cwd(), out);
  output.log(`\nwrote ${shown.startsWith('..') ? out : shown}`);

  if (fatal) throw fatal;
  const crashed = outcomes.filter((o) => !o.ok).map((o) => o.name);
  if (crashed.length > 0) throw new Error(`scenario crashed: ${crashed.join(', ')}`);
  // Clients of the app's modules (imported by scenarios) may keep the event loop alive.
  process.exit(0);
});
