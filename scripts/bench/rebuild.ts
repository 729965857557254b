/**
 * Scenario 5, the rebuild: the board read model recreated from the archive
 * (`event_log`) through the product's rebuild path, `replayArchive`
 * (src/server/projectors/replay.ts): in one transaction the board's tables
 * are emptied and every archived event is decoded through today's catalogue
 * and applied in log order, as the read-model rebuild check of the tests
 * does. Rate: archived events replayed per second, whichever projector they
 * concern. The rebuilt tables must equal the ones the live drain built.
 *
 * Its archive is the one the drain scenario's real set left in the drain's
 * database (the app's events, same size); without it, this scenario preloads
 * the app's events in a key space and database of its own and archives them
 * itself (the archive and board projectors under names of their own). Its ratio counts against the drain's
 * raw multi-row baseline of the same run; without one, it measures that
 * baseline itself over as many bench events (`rebuild.raw_multi_row`).
 *
 * Figures (ev/s): `rebuild.board`, and `rebuild.raw_multi_row` when the drain did not run.
 */
import { performance } from 'node:perf_hooks';
import { count, sql } from 'drizzle-orm';
import { eventLog } from '../../src/server/db/event-core-schema';
import type { Db } from '../../src/server/db/client';
import { projects, tasks, boardProjector } from '../../src/server/modules/tasks/read-models/board';
import { archiveProjector } from '../../src/server/projectors/archive';
import { replayArchive } from '../../src/server/projectors/replay';
import { createKeys } from '../../src/server/redis/keys';
import { openClients, scenarioDatabase, type Clients } from './clients';
import type { Bench, Figures, Scenario } from './contract';
import { DRAIN_DATABASE, preloadBench, rawBaseline } from './drain';
import { fmt, rate } from './measure';
import { appCatalogue, preloadApp } from './real-set';
import { drainWithRuntime } from './runtime-drain';
import { sizesOf, type Sizes } from './sizes';

const ownKeys = { app: createKeys('bench-rebuild-app'), bench: createKeys('bench-rebuild') };

const digestRows = (rows: unknown) => JSON.stringify(rows);

/** Row count and a digest of every row of the board's tables: equal digests, equal tables. */
async function boardDigest(db: Db): Promise<string> {
  const [projectRows, taskRows] = await Promise.all(
    [projects, tasks].map((table) => db.execute(sql`select count(*)::int as n, md5(coalesce(string_agg(to_jsonb(t)::text, ',' order by t.id), '')) as digest from ${table} t`)),
  );
  return `projects ${digestRows(projectRows)}, tasks ${digestRows(taskRows)}`;
}

/** Without the drain's archive: preload the app's events and archive them, building the live board beside. Returns the events archived. */
async function archiveOfOwn(bench: Bench, clients: Clients, sizes: Sizes): Promise<number> {
  await clients.db.execute(sql`truncate ${eventLog}, ${projects}, ${tasks}`);
  const plan = await preloadApp(bench, clients, ownKeys.app, sizes.drainEvents, sizes.preloadLimitMs, 'rebuild');
  bench.progress('rebuild', 'archiving the app events…');
  // Names of their own: checkpoints are per projector name, and the drain's may exist in this database.
  const projectors = [{ ...archiveProjector, name: 'rebuild-archive' }, { ...boardProjector, name: 'rebuild-board' }];
  const archived = await drainWithRuntime(clients, ownKeys.app, appCatalogue, projectors, 'bench-rebuild', sizes.realSetLimitMs);
  if (archived.cut) throw new Error(`archiving ${fmt(plan.events)} events took longer than ${sizes.realSetLimitMs / 1000} s`);
  return plan.events;
}

export const rebuildScenario: Scenario = async (bench) => {
  const sizes = sizesOf(bench);
  const drained = bench.figures['drain.real_set'];
  const reuse = drained !== undefined && !drained.cut;
  const clients = await openClients({ ...bench, databaseUrl: await scenarioDatabase(bench, reuse ? DRAIN_DATABASE : 'bench_rebuild') }, 'rebuild');
  const { db } = clients;
  try {
    const figures: Figures = {};
    const events = reuse ? ((await db.select({ n: count() }).from(eventLog))[0]?.n ?? 0) : await archiveOfOwn(bench, clients, sizes);
    if (events === 0) throw new Error('the archive is empty: nothing to rebuild from');

    if (!bench.figures['drain.raw_multi_row']) {
      bench.log(`rebuild: the drain did not run; measuring its raw multi-row baseline over ${fmt(events)} bench events`);
      const loaded = await preloadBench(bench, clients, ownKeys.bench, events, sizes, 'rebuild');
      bench.progress('rebuild', 'raw multi-row baseline…');
      const raw = await rawBaseline(clients, ownKeys.bench, 'bench-rebuild-raw', sizes);
      bench.log(`  raw multi-row ${fmt(raw)} ev/s over ${fmt(loaded)} events`);
      figures['rebuild.raw_multi_row'] = { value: rate(raw), unit: 'ev/s', label: 'raw pipeline, one multi-row upsert per batch (measured by the rebuild)', ...(raw.cut ? { cut: true } : {}) };
    }

    const live = await boardDigest(db);
    bench.progress('rebuild', `replaying ${fmt(events)} archived events into the board…`);
    const t0 = performance.now();
    const { replayed, failed } = await db.transaction(async (tx) => {
      await tx.execute(sql`truncate ${projects}, ${tasks}`);
      return replayArchive({ tx, catalogue: appCatalogue, projector: boardProjector, onProgress: (n) => bench.progress('rebuild', `replayed ${fmt(n)} / ${fmt(events)}…`) });
    });
    const ms = performance.now() - t0;
    const rebuilt = await boardDigest(db);
    bench.log(`rebuild: ${fmt(replayed)} archived events replayed into the board in ${(ms / 1000).toFixed(1)} s (${fmt((replayed * 1000) / ms)} ev/s)`);

    const agree = live === rebuilt && failed.length === 0 && replayed === events;
    bench.check(
      'rebuild.tables_agree',
      agree,
      agree
        ? `the rebuilt board equals the live one (${rebuilt})`
        : `replayed ${replayed} of ${events}, ${failed.length} failed${failed[0] ? ` (first: ${failed[0].error})` : ''}; live ${live}; rebuilt ${rebuilt}`,
    );
    figures['rebuild.board'] = { value: (replayed * 1000) / ms, unit: 'ev/s', label: 'board read model rebuilt from the archive (replayArchive, one transaction)' };
    return figures;
  } finally {
    await clients.close();
  }
};
