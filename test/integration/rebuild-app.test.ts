/**
 * Rebuilding the app's read models: every rebuildable projector's tables are
 * the same, row for row and column for column, after a rebuild as before it
 * (an unchanged projector), also once the streams were trimmed; the command
 * line (`npm run projections -- rebuild`) and the operator procedures
 * (`operations.rebuild`, `operations.rebuilds`) that request one for the
 * worker.
 */
import { TRPCError } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';

// Operators are read from the environment when the app's modules load.
process.env.OPERATORS = 'ops@example.com';
const { as, closeAppClientsAfterAll } = await import('../support/callers');
const { appendAppEvents, checkpointsOf, tablesSnapshot } = await import('../support/app-events');
const { runScript } = await import('../support/run-script');
const { catchUpAll, projectors, trimAppStreams } = await import('~/server/app/projectors');
const { rebuildableNames, runAppRebuild, runRequestedAppRebuild } = await import('~/server/app/projection-rebuilds');
const { db } = await import('~/server/db');
const { projectionRebuilds } = await import('~/server/db/projection-rebuilds-schema');
const { logger } = await import('~/server/logger');
const { watchRebuildRequests } = await import('~/server/projectors/rebuild-records');
const { eventually } = await import('../support/log-capture');

closeAppClientsAfterAll();

beforeAll(async () => {
  await appendAppEvents(2_500);
  await catchUpAll(120_000);
}, 240_000);

const tablesOf = (name: string) => projectors.find((p) => p.name === name)?.tables ?? [];

/** The read models `appendAppEvents` (test/support/app-events.ts) gives rows; add a new one's events there to have it join them. */
const FED = ['activity', 'board', 'dashboard', 'directory'];

/** Each rebuildable projector in turn: its tables and checkpoints before, its rebuild, the same after. */
async function rebuildEachUnchanged() {
  for (const name of rebuildableNames) {
    const before = { tables: await tablesSnapshot(tablesOf(name)), checkpoints: await checkpointsOf(name) };
    const rows = Object.values(before.tables).reduce((n, t) => n + t.length, 0);
    if (FED.includes(name)) expect(rows, `${name} has rows to rebuild`).toBeGreaterThan(0);
    const result = await runAppRebuild(name, { requestedBy: 'test' });
    expect(result.events).toBe(before.checkpoints.reduce((n, c) => n + c.eventsApplied, 0));
    expect(await tablesSnapshot(tablesOf(name)), `${name}: every row after its rebuild`).toEqual(before.tables);
    expect(await checkpointsOf(name), `${name}: checkpoints`).toEqual(before.checkpoints);
  }
}

describe('rebuilding the app’s read models', () => {
  it('rebuilds every read model, not the archive or the mailer, into tables equal to the old ones; again after trimming', { timeout: 240_000 }, async () => {
    // The app's read models (a new one joins by itself), never the archive or a reactor.
    expect(rebuildableNames).toEqual(expect.arrayContaining(FED));
    expect(rebuildableNames).not.toContain('archive');
    expect(rebuildableNames).not.toContain('invitation-mailer');
    expect(projectors.map((p) => p.name)).toEqual(expect.arrayContaining(['archive', 'invitation-mailer']));
    await rebuildEachUnchanged();

    await appendAppEvents(600);
    await catchUpAll(60_000);
    const trimmed = await trimAppStreams();
    expect(trimmed.reduce((n, t) => n + t.removed, 0), 'the streams were trimmed').toBeGreaterThan(2_500);
    await rebuildEachUnchanged();
  });
});

describe('npm run projections -- rebuild', () => {
  const env = { ...process.env, LOG_LEVEL: 'silent' };

  it('refuses an unknown name, listing the rebuildable ones, and exits 1', { timeout: 60_000 }, async () => {
    const run = await runScript('scripts/projections.ts', ['rebuild', 'bord'], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`✖ Cannot rebuild "bord". Rebuildable projectors: ${rebuildableNames.join(', ')}.`);
    const unknown = await runScript('scripts/projections.ts', ['rebuld'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/Unknown command "rebuld"[\s\S]*rebuild/);
  });

  it('rebuilds one, printing its progress, records it and exits 0', { timeout: 120_000 }, async () => {
    const before = await tablesSnapshot(tablesOf('directory'));
    const run = await runScript('scripts/projections.ts', ['rebuild', 'directory'], env);
    expect(run.stderr, run.stderr).toMatch(/Rebuilding directory: 100% · [\d,]+ \/ [\d,]+ events · [\d,]+ ev\/s · done/);
    expect(run.stdout).toMatch(/✔ Rebuilt directory \(#\d+\): [\d,]+ events in [\d.]+ s; readers now use the new tables\./);
    expect(run.code).toBe(0);
    expect(await tablesSnapshot(tablesOf('directory'))).toEqual(before);
    const [record] = await db.select().from(projectionRebuilds).where(eq(projectionRebuilds.requestedBy, 'cli'));
    expect(record).toMatchObject({ projector: 'directory', status: 'succeeded', error: null });
    expect(record?.done).toBeGreaterThan(0);
  });
});

describe('operations.rebuild and operations.rebuilds', () => {
  it('answer NOT_FOUND to anyone but an operator, and record nothing', async () => {
    const outsider = as('outsider');
    const count = async () => (await db.select().from(projectionRebuilds)).length;
    const before = await count();
    for (const call of [() => outsider.api.operations.rebuilds(), () => outsider.api.operations.rebuild({ projector: 'board' })]) {
      const error = await call().then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(TRPCError);
      expect(error instanceof TRPCError && error.code).toBe('NOT_FOUND');
    }
    expect(await count()).toBe(before);
  });

  it('records an operator’s request, once, which the worker’s loop then runs to the end', { timeout: 120_000 }, async () => {
    const ops = as('ops');
    await expect(ops.api.operations.rebuild({ projector: 'archive' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const first = await ops.api.operations.rebuild({ projector: 'dashboard' });
    expect(first).toMatchObject({ status: 'requested', created: true });
    await expect(ops.api.operations.rebuild({ projector: 'dashboard' })).resolves.toEqual({ ...first, created: false });
    const listed = await ops.api.operations.rebuilds();
    expect(listed.projectors).toEqual([...rebuildableNames]);
    expect(listed.rebuilds[0]).toMatchObject({ id: first.id, projector: 'dashboard', status: 'requested', requestedBy: 'ops@example.com' });

    const before = await tablesSnapshot(tablesOf('dashboard'));
    const stop = new AbortController();
    const worker = watchRebuildRequests({ db, run: (request) => runRequestedAppRebuild(request, stop.signal), logger, signal: stop.signal, everyMs: 100 });
    try {
      await eventually(async () => (await ops.api.operations.rebuilds()).rebuilds[0]?.status === 'succeeded', 60_000, 'the requested rebuild succeeded');
    } finally {
      stop.abort();
      await worker;
    }
    const [done] = (await ops.api.operations.rebuilds()).rebuilds;
    expect(done?.done).toBeGreaterThan(0);
    expect(done?.total).toBe(done?.done);
    expect(done?.startedAt).toBeInstanceOf(Date);
    expect(done?.finishedAt).toBeInstanceOf(Date);
    expect(await tablesSnapshot(tablesOf('dashboard'))).toEqual(before);
  });
});
