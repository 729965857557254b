/**
 * Scenario 2, the append engine: `appendEvents` (envelope building and
 * validation, version check, XADD and version SET in one Lua script, then the
 * persistence wait) against a bare `XADD` of an envelope-sized payload, both
 * with 64 requests in flight on the same client. Under `appendfsync always`
 * the persistence wait costs no extra round trip; on Redis 7.2+ it adds a
 * WAITAOF per append (the JSON's `redis.durability` says which).
 *
 * Load from other processes comes and goes within seconds, so the sides run
 * as short slices alternating A B B A…, and each side's median slice counts.
 *
 * Figures: `append.xadd`, `append.append_events` (ops/s).
 */
import { appendEvents, type EventStore } from '../../src/server/events/append';
import { createCatalogue } from '../../src/server/events/catalogue';
import { createKeys, partitionOf } from '../../src/server/redis/keys';
import { somethingHappened } from './bench-stream';
import { BENCH_DURABILITY, openClients } from './clients';
import type { Figures, Scenario } from './contract';
import { fmt, IN_FLIGHT, PARTITIONS, pairRatio, runPool, summarise, balancedOrganizations, type Measured } from './measure';
import { sizesOf } from './sizes';

/** Each side's operations are split into this many slices, interleaved with the other side's. */
const SLICES = 10;

export const appendScenario: Scenario = async (bench) => {
  const sizes = sizesOf(bench);
  const { redis, close } = await openClients(bench, 'append');
  try {
    const appendKeys = createKeys('bench-append');
    const xaddKeys = createKeys('bench-xadd');
    const store: EventStore = { redis, keys: appendKeys, catalogue: createCatalogue([somethingHappened]), partitions: PARTITIONS, durability: BENCH_DURABILITY };
    const organizations = balancedOrganizations('append', IN_FLIGHT);
    const versions = organizations.map(() => 0);

    const appendOne = async (worker: number) => {
      const organizationId = organizations[worker] ?? '?';
      const aggregateId = `${organizationId}/counter`;
      const expectedVersion = versions[worker] ?? 0;
      const result = await appendEvents(store, {
        organizationId,
        actorId: 'bench',
        streams: [{ aggregateId, expectedVersion, events: [somethingHappened.create({ amount: 1, note: 'bench' })] }],
      });
      versions[worker] = result.versions[aggregateId] ?? expectedVersion + 1;
      return 1;
    };

    // The baseline writes what an append writes: a real envelope, read back from the log.
    await appendOne(0);
    const [sample] = (await redis.xRange(appendKeys.stream(partitionOf(organizations[0] ?? '?', PARTITIONS)), '-', '+', { COUNT: 1 })) ?? [];
    const payload = sample?.message.e;
    if (!payload) throw new Error('no envelope found after the first append');
    const xaddOne = async (worker: number) => {
      await redis.xAdd(xaddKeys.stream(worker % PARTITIONS), '*', { e: payload });
      return 1;
    };

    bench.progress('append', 'warming up…');
    // A fixed warm-up whatever the size: a small run must measure compiled code too (V8 optimises the append path after a few thousand calls).
    const warmUp = sizes.appendOps < 1_000 ? sizes.appendOps : 5_000;
    await runPool(warmUp, IN_FLIGHT, sizes.appendLimitMs, xaddOne);
    await runPool(warmUp, IN_FLIGHT, sizes.appendLimitMs, appendOne);

    bench.log(`append: ${fmt(sizes.appendOps)} ops per side in ${SLICES} interleaved slices, ${IN_FLIGHT} in flight, envelope ${Buffer.byteLength(payload)} bytes`);
    const total = sizes.appendOps;
    const sliceOps = Math.max(IN_FLIGHT * 8, Math.ceil(total / SLICES));
    const baseline: Measured[] = [];
    const subject: Measured[] = [];
    const spent = (runs: Measured[]) => runs.reduce((sum, m) => sum + m.ms, 0);
    const done = (runs: Measured[]) => runs.reduce((sum, m) => sum + m.count, 0);
    for (let pair = 1; done(baseline) < total || done(subject) < total; pair++) {
      if (spent(baseline) >= sizes.appendLimitMs || spent(subject) >= sizes.appendLimitMs) break;
      const sides: ReadonlyArray<'baseline' | 'subject'> = pair % 2 === 1 ? ['baseline', 'subject'] : ['subject', 'baseline'];
      for (const side of sides) {
        bench.progress('append', `slice ${pair}, ${side === 'baseline' ? 'bare XADD' : 'appendEvents'}…`);
        const runs = side === 'baseline' ? baseline : subject;
        const ops = Math.min(sliceOps, total - done(runs));
        if (ops > 0) runs.push(await runPool(ops, IN_FLIGHT, sizes.appendLimitMs - spent(runs), side === 'baseline' ? xaddOne : appendOne));
      }
      bench.log(
        `  slice ${String(pair).padStart(2)}  XADD ${fmt(baseline.at(-1)).padStart(7)} ops/s` +
          `   appendEvents ${fmt(subject.at(-1)).padStart(7)} ops/s   ratio ${pairRatio(subject.at(-1), baseline.at(-1))}`,
      );
    }
    const xadd = summarise(baseline, 'median');
    const appended = summarise(subject, 'median');
    const figures: Figures = {
      'append.xadd': { value: xadd.rate, unit: 'ops/s', label: `bare XADD of an envelope, ${IN_FLIGHT} in flight (median slice)`, ...(xadd.cut ? { cut: true } : {}) },
      'append.append_events': { value: appended.rate, unit: 'ops/s', label: `appendEvents, ${IN_FLIGHT} in flight (median slice)`, ...(appended.cut ? { cut: true } : {}) },
    };
    return figures;
  } finally {
    await close();
  }
};
