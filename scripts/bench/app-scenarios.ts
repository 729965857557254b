/**
 * The app scenarios of `npm run bench`, for the runner (./main.ts): builds
 * and starts the production app once (./app.ts), runs scenario 1 (./http.ts),
 * 4 (./live.ts) and 6 (./memory.ts: peaks across all of them, and the soak
 * when `bench.soakSeconds` > 0), then stops every process it started.
 * The ratios `command_vs_crud`, `command_vs_noop` and `sustained_vs_noop`
 * come from `http.command.rps`, `http.crud.rps`, `http.noop.rps` and
 * `live.sustained_per_s`.
 */
import os from 'node:os';
import { startBenchApp } from './app';
import type { Bench, Figures } from './contract';
import { runHttpScenario } from './http';
import { runLiveScenario } from './live';
import { peakFigures, runSoak } from './memory';

const loadAverage = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');

export async function runAppScenarios(bench: Bench): Promise<Figures> {
  // Other processes' load changes what the app gets of the machine: say how busy it was.
  bench.log(`app scenarios: load average ${loadAverage()} at the start`);
  const app = await startBenchApp(bench);
  try {
    const http = await runHttpScenario(bench, app);
    const live = await runLiveScenario(bench, app);
    const soak = bench.soakSeconds > 0 ? await runSoak(bench, app) : {};
    return { ...http, ...live, ...soak, ...peakFigures(app) };
  } finally {
    await app.stop();
    bench.log(`app scenarios: load average ${loadAverage()} at the end`);
  }
}
