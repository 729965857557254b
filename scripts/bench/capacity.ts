/**
 * The capacity scenario (`npm run bench -- --only capacity`; slow, so not in
 * the default run): the ceilings docs/scaling.md builds its capacity model
 * on, each beside its baseline in the same run:
 *
 * 1. append (./capacity-append.ts): `appendEvents` with all load on one
 *    partition vs spread over all, on one Redis and on a three-master
 *    cluster started for it; a bare XADD to one stream as one master's raw
 *    ceiling; Redis and client CPU per append.
 * 2. drain (./capacity-drain.ts): the app's projector set over one
 *    partition (one worker) vs the same events over every partition (one
 *    worker process each, at once); worker, PostgreSQL and Redis CPU per event.
 * 3. fan-out (./capacity-fanout.ts): change notices delivered per second by
 *    one web process to its SSE subscribers, vs the notice hub alone.
 * 4. reads (./capacity-read.ts): web and PostgreSQL CPU per `tasks.board`
 *    read, the refetch each notice causes on every open board.
 *
 * 3 and 4 run against the production app (./app.ts), started once for both.
 *
 * The JSON's `capacity` section holds the ratios and per-core ceilings
 * derived from these figures (./capacity-model.ts).
 */
import { measureAppendCapacity } from './capacity-append';
import { measureDrainCapacity } from './capacity-drain';
import { startBenchApp } from './app';
import { measureFanoutCapacity } from './capacity-fanout';
import { measureReadCapacity } from './capacity-read';
import type { Scenario } from './contract';
import { fmt } from './measure';
import { capacitySizesOf } from './sizes';

export const capacityScenario: Scenario = async (bench) => {
  const sizes = capacitySizesOf(bench);
  bench.log(
    `capacity: append ${fmt(sizes.append.ops)} ops per side, drain ${fmt(sizes.drain.events)} app events per side, ` +
      `fan-out to ${sizes.fanout.subscribers} subscribers at ${sizes.fanout.steps.join(', ')} notices/s (${sizes.fanout.stepSeconds} s each)`,
  );
  const append = await measureAppendCapacity(bench, sizes.append);
  const drain = await measureDrainCapacity(bench, sizes.drain);
  const app = await startBenchApp(bench);
  try {
    const fanout = await measureFanoutCapacity(bench, app, sizes.fanout);
    const reads = await measureReadCapacity(bench, app, sizes.read);
    return { ...append, ...drain, ...fanout, ...reads };
  } finally {
    await app.stop();
  }
};
