/**
 * The app scenarios of `npm run bench`, for the runner (./main.ts): builds
 * and starts the production app once (./app.ts), runs scenario 1 (./http.ts),
 * 4 (./live.ts) and 6 (./memory.ts: peaks across all of them, and the soak
 * when `bench.soakSeconds` > 0), then stops every process it started.
 * The ratios `command_vs_crud`, `command_vs_noop` and `sustained_vs_noop`
 * come from `http.command.rps`, `http.crud.rps`, `http.noop.rps` and
 * `live.sustained_per_s`.
 */
import { startBenchApp } from './app';
import type { Bench, Figures } from './contract';
import { runHttpScenario } from './http';
import { runLiveScenario } from './live';
import { peakFigures, runSoak } from './memory';

export async function runAppScenarios(bench: Bench): Promise<Figures> {
  const app = await startBenchApp(bench);
  try {
    const http = await runHttpScenario(bench, app);
    const live = await runLiveScenario(bench, app);
    const soak = bench.soakSeconds > 0 ? await runSoak(bench, app) : {};
    return { ...http, ...live, ...soak, ...peakFigures(app) };
  } finally {
    await app.stop();
  }
}
