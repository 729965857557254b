/**
 * The projector runtime across real processes: several workers share the
 * partitions, workers are SIGKILLed at random points, and at the end the read
 * table must equal both the fold of the log and a fresh rebuild from the
 * archive, with nothing lost and nothing applied twice.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { deadLetters } from '~/server/db/event-core-schema';
import { appendEvents } from '~/server/events/append';
import { replayArchive } from '~/server/projectors/replay';
import { counterIncremented, countersProjector, createCountersTable, testCatalogue } from '../support/event-core';
import { createHarness, readLog, type Harness } from '../support/event-harness';
import { eventually } from '../support/log-capture';
import { killHard, startWorkerProcess, stopGracefully, type WorkerProcess } from '../support/processes';

const WORKER = 'test/support/worker-process.ts';
const PARTITIONS = 4;

// Each test gets its own streams (a fresh key prefix).
let h: Harness;
beforeEach(async () => {
  h = await createHarness({ partitions: PARTITIONS });
});
afterEach(() => h.close());

function workerEnv(table: string, extra: Record<string, string> = {}): Partial<NodeJS.ProcessEnv> {
  return {
    DATABASE_URL: process.env.DATABASE_URL,
    REDIS_URL: inject('redisUrl'),
    KEY_PREFIX: h.keys.prefix,
    PARTITIONS: String(PARTITIONS),
    COUNTERS_TABLE: table,
    ...extra,
  };
}

type Row = { aggregate_id: string; total: string; version: number; applied: number };

async function tableRows(table: string): Promise<Row[]> {
  return [...(await h.db.execute<Row>(sql`select aggregate_id, total, version, applied from ${sql.identifier(table)} order by aggregate_id`))];
}

/** What the table must hold: the fold of each aggregate's events in version order. */
async function foldOfLog(): Promise<Row[]> {
  const byAggregate = new Map<string, Row>();
  const entries = (await readLog(h)).sort((a, b) => a.envelope.aggregateVersion - b.envelope.aggregateVersion);
  for (const { envelope } of entries) {
    const row = byAggregate.get(envelope.aggregateId) ?? { aggregate_id: envelope.aggregateId, total: '0', version: 0, applied: 0 };
    expect(envelope.aggregateVersion).toBe(row.version + 1); // the log itself has no gaps
    const by = z.object({ by: z.number() }).parse(envelope.data).by;
    byAggregate.set(envelope.aggregateId, { aggregate_id: envelope.aggregateId, total: String(Number(row.total) + by), version: row.version + 1, applied: row.applied + 1 });
  }
  return [...byAggregate.values()].sort((a, b) => (a.aggregate_id < b.aggregate_id ? -1 : 1));
}

/** Appends `total` events from `concurrency` writers over many organizations and aggregates, interleaved. */
async function appendLoad(total: number, concurrency: number, orgs: number, aggregatesPerOrg: number) {
  const versions = new Map<string, number>();
  let appended = 0;
  const organizations = Array.from({ length: orgs }, () => randomUUID());
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      let turn = 0;
      while (appended < total) {
        turn += 1;
        const organizationId = organizations[(w + turn * 7) % orgs] ?? '';
        // Each writer owns distinct aggregates, so there are no conflicts to retry.
        const aggregateId = `${organizationId}/w${w}-a${turn % aggregatesPerOrg}`;
        const n = Math.min(1 + ((w + turn) % 10), total - appended);
        if (n <= 0) break;
        appended += n;
        const expectedVersion = versions.get(aggregateId) ?? 0;
        versions.set(aggregateId, expectedVersion + n);
        await appendEvents(h.store, {
          organizationId,
          actorId: `writer-${w}`,
          streams: [{ aggregateId, expectedVersion, events: Array.from({ length: n }, (_, i) => counterIncremented.create({ by: ((turn + i) % 7) - 3, note: '' })) }],
        });
      }
    }),
  );
  return appended;
}

async function expectNoDeadLetters() {
  expect(await h.db.select().from(deadLetters)).toEqual([]);
}

describe('G4 per-aggregate order with several worker processes', () => {
  it('three workers on interleaved aggregates across partitions: every row equals the fold of its events in version order', { timeout: 120_000 }, async () => {
    const table = `g4_${randomBytes(3).toString('hex')}`;
    await createCountersTable(h.db, table);
    const workers = [0, 1, 2].map((i) => startWorkerProcess(WORKER, workerEnv(table, { WORKER_ID: `g4-${i}` })));
    try {
      const appended = await appendLoad(3_000, 12, 12, 4);
      const expected = await foldOfLog();
      expect(expected.reduce((n, r) => n + r.applied, 0)).toBe(appended);
      await eventually(async () => JSON.stringify(await tableRows(table)) === JSON.stringify(expected), 60_000, 'workers caught up');
      await expectNoDeadLetters();
      // The partitions really were shared.
      const holders = await Promise.all(Array.from({ length: PARTITIONS }, (_, p) => h.redis.get(h.keys.lease(p))));
      expect(new Set(holders.filter(Boolean)).size).toBeGreaterThan(1);
    } finally {
      await Promise.all(workers.map((w) => stopGracefully(w)));
    }
  });
});

describe('G5 exactly-once effect on read tables', () => {
  it('workers SIGKILLed at random points (before and after commit) during 20,000 events: tables equal a fresh rebuild from the archive', { timeout: 240_000 }, async () => {
    const table = `g5_${randomBytes(3).toString('hex')}`;
    const rebuilt = `${table}_rebuilt`;
    await createCountersTable(h.db, table);
    await createCountersTable(h.db, rebuilt);
    const [before] = await h.db.execute<{ n: number }>(sql`select count(*)::int as n from event_log`);
    const archivedBefore = before?.n ?? 0;
    const env = workerEnv(table, { CRASH_RATE: '0.05', LEASE_MS: '1500', BATCH_SIZE: '150' });
    const started: WorkerProcess[] = [];
    const start = (e: Partial<NodeJS.ProcessEnv>) => {
      const w = startWorkerProcess(WORKER, e);
      started.push(w);
      return w;
    };
    // Slot 0 kills itself often at commit points and is left alone by the chaos loop;
    // slots 1 and 2 crash now and then on their own and are SIGKILLed at random.
    const crasherEnv = { ...env, CRASH_RATE: '0.3' };
    const envOf = (slot: number) => (slot === 0 ? crasherEnv : env);
    const workers: WorkerProcess[] = [0, 1, 2].map((slot) => start(envOf(slot)));
    const selfCrashes = () => started.filter((w) => w.output().includes('crash ')).length;
    let kills = 0;
    let appending = true;
    const chaosDeadline = Date.now() + 90_000;

    const chaos = (async () => {
      while ((appending || kills < 10 || selfCrashes() === 0) && Date.now() < chaosDeadline) {
        await new Promise((resolve) => setTimeout(resolve, 200 + Math.random() * 500));
        for (let i = 0; i < workers.length; i++) {
          const w = workers[i];
          if (w && w.child.exitCode === null && w.child.signalCode === null) continue;
          workers[i] = start(envOf(i));
        }
        if (Math.random() < 0.5) {
          const victim = workers[1 + Math.floor(Math.random() * (workers.length - 1))];
          if (victim) {
            await killHard(victim);
            kills += 1;
          }
        }
      }
    })();

    try {
      const appended = await appendLoad(20_000, 16, 40, 5);
      appending = false;
      await chaos;
      // Calm workers finish the job.
      for (let i = 0; i < workers.length; i++) {
        const w = workers[i];
        if (w) await killHard(w);
        workers[i] = start({ ...env, CRASH_RATE: '0' });
      }
      const expected = await foldOfLog();
      expect(expected.reduce((n, r) => n + r.applied, 0)).toBe(appended);
      await eventually(async () => JSON.stringify(await tableRows(table)) === JSON.stringify(expected), 120_000, 'workers caught up');
      await expectNoDeadLetters();
      expect(kills).toBeGreaterThanOrEqual(10);
      // Workers also killed themselves at commit points (before or after the commit).
      expect(selfCrashes()).toBeGreaterThan(0);

      // A fresh rebuild from the archive alone gives the same table.
      await eventually(async () => {
        const [row] = await h.db.execute<{ n: number }>(sql`select count(*)::int as n from event_log`);
        return (row?.n ?? 0) - archivedBefore === appended;
      }, 60_000, 'archive complete');
      await h.db.transaction((tx) => replayArchive({ tx, catalogue: testCatalogue, projector: countersProjector(rebuilt) }).then(() => undefined));
      // The archive is shared by every test of this file's database: compare this test's aggregates.
      const mine = new Set(expected.map((r) => r.aggregate_id));
      expect((await tableRows(rebuilt)).filter((r) => mine.has(r.aggregate_id))).toEqual(await tableRows(table));
    } finally {
      appending = false;
      kills = Math.max(kills, 10);
      await Promise.all(workers.map((w) => stopGracefully(w)));
    }
  });
});

describe('npm run worker', () => {
  it('two workers share the partitions; killing one hands its partitions to the other within the lease time', { timeout: 90_000 }, async () => {
    const prefix = `t:w${randomBytes(3).toString('hex')}`;
    const env: Partial<NodeJS.ProcessEnv> = {
      NODE_ENV: 'development',
      DATABASE_URL: process.env.DATABASE_URL,
      REDIS_URL: inject('redisUrl'),
      REDIS_KEY_PREFIX: prefix,
      AUTH_SECRET: process.env.AUTH_SECRET,
      EVENT_PARTITIONS: String(PARTITIONS),
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'info',
    };
    const keys = (await import('~/server/redis/keys')).createKeys(prefix);
    const holders = async () => Promise.all(Array.from({ length: PARTITIONS }, (_, p) => h.redis.get(keys.lease(p))));
    const a = startWorkerProcess('scripts/worker.ts', env);
    const b = startWorkerProcess('scripts/worker.ts', env);
    try {
      await eventually(async () => {
        const held = await holders();
        const counts = new Map<string, number>();
        for (const holder of held) if (holder) counts.set(holder, (counts.get(holder) ?? 0) + 1);
        return counts.size === 2 && [...counts.values()].every((n) => n === PARTITIONS / 2);
      }, 40_000, 'two workers holding two partitions each');
      // Both counted through the heartbeat set, found without scanning the key space.
      expect(await h.redis.zCard(keys.workers())).toBe(2);

      const [first] = await holders();
      const victim = a.output().includes(first ?? '?') ? a : b;
      const survivor = victim === a ? b : a;
      const killedAt = Date.now();
      await killHard(victim);
      await eventually(async () => {
        const held = await holders();
        return held.every((holder) => holder !== null && holder !== first) && new Set(held).size === 1;
      }, 30_000, 'survivor holding every partition');
      const handoverMs = Date.now() - killedAt;
      expect(handoverMs).toBeLessThan(Number(process.env.WORKER_LEASE_MS) + 5_000); // lease time plus one heartbeat round
      expect(survivor.child.exitCode).toBeNull();
    } finally {
      await Promise.all([stopGracefully(a), stopGracefully(b)]);
    }
  });
});
