/**
 * Scenario 3, the projector drain: how fast the read side catches up with a
 * preloaded log, against the raw pipeline over the same number of events, on
 * the same database and pool.
 *
 * 1. The bench stream (./bench-stream.ts), three sides folding it into equal
 *    tables: the raw pipeline as one multi-row upsert per batch (the
 *    baseline) and as one upsert per event (./raw.ts), and the projector
 *    runtime with one simple projector. Each side runs twice (A B C, then
 *    C B A) and its best run counts; the three tables must agree.
 * 2. The app's archive projector alone over the same events.
 * 3. The real set: the app's own events (./app-events.ts) drained by the
 *    app's full projector list, archive and mailer included, until every
 *    checkpoint is at the tip; the read tables must then hold what the plan
 *    created. Its archive stays in `event_log` for the rebuild scenario.
 *
 * Why the baseline runs over the bench stream, not the app's events: the raw
 * pipeline's work per entry (read, parse, fold, one upsert per batch, its
 * checkpoint, XACK) does not depend on what the event says, and a raw
 * consumer of the app's events would have to re-implement its read models.
 * What matters is the count, spread over the same partitions, with envelopes
 * of about the same size: the bench stream is preloaded with exactly as many
 * events as the app's.
 *
 * Figures (ev/s): `drain.raw_multi_row` (baseline), `drain.raw_per_row`,
 * `drain.simple`, `drain.archive`, `drain.real_set`.
 */
import { sql } from 'drizzle-orm';
import { createCatalogue } from '../../src/server/events/catalogue';
import { archiveProjector } from '../../src/server/projectors/archive';
import { createKeys, type Keys } from '../../src/server/redis/keys';
import { BENCH_TABLES, benchProjector, createBenchTables, preloadBenchStream, somethingHappened, tableSummary } from './bench-stream';
import { BENCH_DURABILITY, DB_POOL, openClients, scenarioDatabase, type Clients } from './clients';
import type { Bench, Figure, Figures, Scenario } from './contract';
import { cutNote, fmt, PARTITIONS, pairRatio, rate, summarise, type Measured } from './measure';
import { BATCH_SIZE, drainRaw } from './raw';
import { appCatalogue, appKeys, appProjectors, preloadApp, realSetProblems } from './real-set';
import { drainWithRuntime } from './runtime-drain';
import { sizesOf, type Sizes } from './sizes';

const ROUNDS = 2;
/** The drain empties and fills the app's tables: in a database of its own, which the rebuild then reads. */
export const DRAIN_DATABASE = 'bench_drain';
const benchKeys = createKeys('bench-drain');
const benchCatalogue = createCatalogue([somethingHappened]);

type Side = 'batch' | 'perRow' | 'simple';
const SIDE_NAMES: Record<Side, string> = { batch: 'raw multi-row', perRow: 'raw per event', simple: 'runtime, simple projector' };

/** A figure from a side's runs. */
function figure(runs: ReadonlyArray<Measured>, label: string): Figure {
  const best = summarise(runs, 'best');
  return { value: best.rate, unit: 'ev/s', label, ...(best.cut ? { cut: true } : {}) };
}

/** Preloads `total` bench events under `keys`; returns how many the streams hold. */
export async function preloadBench(bench: Bench, clients: Clients, keys: Keys, total: number, sizes: Sizes, scenario: string): Promise<number> {
  await createBenchTables(clients.db);
  bench.progress(scenario, `preloading ${fmt(total)} bench events…`);
  const store = { redis: clients.redis, keys, catalogue: benchCatalogue, partitions: PARTITIONS, durability: BENCH_DURABILITY };
  const loaded = await preloadBenchStream(clients.redis, store, keys, total, sizes.preloadLimitMs);
  bench.log(`  preloaded ${fmt(loaded.inStreams)} bench events in ${(loaded.ms / 1000).toFixed(1)} s (${fmt(rate(loaded))} ev/s)${cutNote(loaded)}`);
  return loaded.inStreams;
}

/** The raw multi-row baseline over a preloaded bench stream, once (the rebuild's own baseline when the drain did not run). */
export function rawBaseline(clients: Clients, keys: Keys, group: string, sizes: Sizes): Promise<Measured> {
  return drainRaw(clients.db, clients.redis, keys, group, 'batch', sizes.drainLimitMs);
}

async function benchStreamSides(bench: Bench, clients: Clients, events: number, sizes: Sizes): Promise<Record<Side, Measured[]>> {
  const { db, redis } = clients;
  const runs: Record<Side, Measured[]> = { batch: [], perRow: [], simple: [] };
  const agreed: string[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    await db.execute(sql.raw(`truncate ${BENCH_TABLES.join(', ')}`));
    const order: ReadonlyArray<Side> = ['batch', 'perRow', 'simple'];
    for (const side of round % 2 === 1 ? order : [...order].reverse()) {
      bench.progress('drain', `round ${round}, ${SIDE_NAMES[side]}…`);
      // Fresh consumer groups each round, so every side reads every event again from the start.
      if (side === 'simple') {
        const projector = benchProjector(`bench-projected-${round}`);
        const m = await drainWithRuntime(clients, benchKeys, benchCatalogue, [projector], `bench-simple-${round}`, sizes.drainLimitMs, (handled) =>
          bench.progress('drain', `round ${round}, ${SIDE_NAMES[side]}: ${fmt(handled)} / ${fmt(events)}…`),
        );
        runs.simple.push({ count: m.handled, ms: m.ms, cut: m.cut });
      } else {
        runs[side].push(await drainRaw(db, redis, benchKeys, `bench-${side}-${round}`, side === 'batch' ? 'batch' : 'row', sizes.drainLimitMs));
      }
    }
    const tables = await Promise.all(BENCH_TABLES.map((t) => tableSummary(db, t)));
    const complete = Object.values(runs).every((r) => r.at(-1)?.count === events);
    const agree = tables.every((t) => JSON.stringify(t) === JSON.stringify(tables[0]));
    bench.log(
      `  round ${round}  raw per event ${fmt(runs.perRow.at(-1))} ev/s${cutNote(runs.perRow.at(-1))}` +
        `   raw multi-row ${fmt(runs.batch.at(-1))} ev/s${cutNote(runs.batch.at(-1))}` +
        `   simple projector ${fmt(runs.simple.at(-1))} ev/s${cutNote(runs.simple.at(-1))}   ratio ${pairRatio(runs.simple.at(-1), runs.batch.at(-1))}` +
        `   tables ${!complete ? 'not compared (a side was cut short)' : agree ? `agree (${tables[0]?.rows ?? '?'} rows)` : 'DIFFER'}`,
    );
    if (complete && !agree) bench.check('drain.tables_agree', false, `round ${round}: ${JSON.stringify(tables)}`);
    if (complete) agreed.push(`round ${round}: ${tables[0]?.rows ?? '?'} rows`);
  }
  if (agreed.length > 0) bench.check('drain.tables_agree', true, `raw per event, raw multi-row and the simple projector folded equal tables (${agreed.join('; ')})`);
  return runs;
}

export const drainScenario: Scenario = async (bench) => {
  const sizes = sizesOf(bench);
  const clients = await openClients({ ...bench, databaseUrl: await scenarioDatabase(bench, DRAIN_DATABASE) }, 'drain');
  try {
    bench.log(`drain: ${fmt(sizes.drainEvents)} events per stream, batch ${BATCH_SIZE}, pool ${DB_POOL} connections, ${PARTITIONS} partitions`);
    const plan = await preloadApp(bench, clients, appKeys, sizes.drainEvents, sizes.preloadLimitMs, 'drain');
    // The baseline's stream holds exactly as many events as the app's (see the header).
    const events = await preloadBench(bench, clients, benchKeys, plan.events, sizes, 'drain');
    const runs = await benchStreamSides(bench, clients, events, sizes);

    bench.progress('drain', "the app's archive projector alone…");
    await clients.db.execute(sql.raw('truncate event_log'));
    const archive = await drainWithRuntime(clients, benchKeys, benchCatalogue, [{ ...archiveProjector, name: 'bench-archive' }], 'bench-archive', sizes.drainLimitMs, (handled) =>
      bench.progress('drain', `the app's archive projector alone: ${fmt(handled)} / ${fmt(events)}…`),
    );
    const archiveRun: Measured = { count: archive.handled, ms: archive.ms, cut: archive.cut };
    bench.log(`  archive projector alone ${fmt(archiveRun)} ev/s${cutNote(archiveRun)}   ratio ${pairRatio(archiveRun, runs.batch.at(-1))}`);

    // The real set: the rebuild scenario replays the archive it leaves in event_log.
    await clients.db.execute(sql.raw('truncate event_log'));
    const projectors = await appProjectors();
    bench.progress('drain', `the app's ${projectors.length} projectors over ${fmt(plan.events)} app events…`);
    const realSet = await drainWithRuntime(clients, appKeys, appCatalogue, projectors, 'bench-real-set', sizes.realSetLimitMs, (handled) =>
      bench.progress('drain', `the app's ${projectors.length} projectors: ${fmt(handled)} / ${fmt(plan.events * projectors.length)} entries applied…`),
    );
    // Events through the whole set: every projector handles every entry once (when cut short, their mean).
    const realRun: Measured = { count: realSet.cut ? realSet.handled / projectors.length : plan.events, ms: realSet.ms, cut: realSet.cut };
    const baseline = summarise(runs.batch, 'best').rate;
    bench.log(
      `  real set (${projectors.map((p) => p.name).join(', ')}) ${fmt(realRun)} ev/s${cutNote(realRun)}` +
        `   ratio ${baseline > 0 ? (rate(realRun) / baseline).toFixed(2) : '-'} (against the best raw multi-row run)`,
    );
    if (!realSet.cut) {
      const problems = await realSetProblems(clients, appKeys, plan, projectors.map((p) => p.name));
      const e = plan.expected;
      const planned = `every checkpoint at the tip; ${e.tasks} tasks, ${e.projects} projects, ${e.members} members, ${plan.events} archived events, as planned`;
      bench.check('drain.real_set_tables', problems.length === 0, problems.length === 0 ? planned : problems.join('; '));
    }

    const figures: Figures = {
      'drain.raw_multi_row': figure(runs.batch, `raw pipeline, one multi-row upsert per batch (best of ${ROUNDS})`),
      'drain.raw_per_row': figure(runs.perRow, `raw pipeline, one upsert per event (best of ${ROUNDS})`),
      'drain.simple': figure(runs.simple, `projector runtime, one simple row projector (best of ${ROUNDS})`),
      'drain.archive': figure([archiveRun], "projector runtime, the app's archive projector alone"),
      'drain.real_set': figure([realRun], `projector runtime, the app's ${projectors.length} projectors over the app's events, to the tip`),
    };
    return figures;
  } finally {
    await clients.close();
  }
};
