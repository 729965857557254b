/**
 * The capacity scenario's append part: how many appends one partition and one
 * Redis master take. `appendEvents` (the bench's one-event append, 64 in
 * flight, each caller its own organization and aggregate) with every
 * organization on ONE partition against the same load spread over all
 * partitions, on the bench's single Redis and on a three-master Redis Cluster
 * started for it (./bench-cluster.ts); the baseline is a bare `XADD` of an
 * envelope to one stream, i.e. the raw ceiling of one master, on each.
 *
 * The six sides run as short slices, round-robin, the order reversed every
 * round, so load from other processes falls on all of them alike; each side's
 * median slice counts. Beside each rate, the CPU time per operation of the
 * Redis servers (all masters on the cluster) and of this process (the
 * client: what a web process spends per append), which say what one core
 * carries whatever else the machine is doing.
 */
import pino from 'pino';
import { appendEvents, type EventStore } from '../../src/server/events/append';
import { createCatalogue } from '../../src/server/events/catalogue';
import { createRedis, type Redis } from '../../src/server/redis/client';
import { createKeys, partitionOf } from '../../src/server/redis/keys';
import { mastersOfKeys, withBenchCluster } from './bench-cluster';
import { somethingHappened } from './bench-stream';
import { BENCH_DURABILITY } from './clients';
import type { Bench, Figures } from './contract';
import { balancedOrganizations, fmt, IN_FLIGHT, PARTITIONS, runPool, summarise, type Measured } from './measure';
import { ownCpuMs, redisPid, treesCpuMs } from './proc-cpu';

export interface AppendSizes {
  /** Operations per side, split into slices. */
  ops: number;
  /** Time limit per side (all its slices). */
  limitMs: number;
  /** Unmeasured operations per side first (connections, scripts loaded, V8 optimised). */
  warmUp: number;
}

const SLICES = 8;
const catalogue = createCatalogue([somethingHappened]);

type SideName = 'xadd' | 'one_partition' | 'all_partitions' | 'cluster_xadd' | 'cluster_one_partition' | 'cluster_all_partitions';

interface Side {
  name: SideName;
  label: string;
  op: (worker: number) => Promise<number>;
  serverPids: number[];
  runs: Measured[];
  serverCpuMs: number;
  clientCpuMs: number;
}

/** `count` organization ids that all land on `partition`. */
function organizationsOn(label: string, partition: number, count: number): string[] {
  const ids: string[] = [];
  for (let n = 0; ids.length < count; n++) if (partitionOf(`${label}-org-${n}`, PARTITIONS) === partition) ids.push(`${label}-org-${n}`);
  return ids;
}

/** One append of one event per call; caller `worker` appends to its own organization's counter. */
function appender(redis: Redis, label: string, organizations: ReadonlyArray<string>) {
  const store: EventStore = { redis, keys: createKeys(`cap-${label}`), catalogue, partitions: PARTITIONS, durability: BENCH_DURABILITY };
  const versions = organizations.map(() => 0);
  return async (worker: number) => {
    const organizationId = organizations[worker] ?? '?';
    const aggregateId = `${organizationId}/counter`;
    const expectedVersion = versions[worker] ?? 0;
    const result = await appendEvents(store, { organizationId, actorId: 'bench', streams: [{ aggregateId, expectedVersion, events: [somethingHappened.create({ amount: 1, note: 'bench' })] }] });
    versions[worker] = result.versions[aggregateId] ?? expectedVersion + 1;
    return 1;
  };
}

/** An envelope as the log holds it, to give the bare XADD the same payload. */
async function envelopeOf(redis: Redis): Promise<string> {
  const keys = createKeys('cap-sample');
  const store: EventStore = { redis, keys, catalogue, partitions: PARTITIONS, durability: BENCH_DURABILITY };
  const organizationId = 'cap-sample-org';
  await appendEvents(store, { organizationId, actorId: 'bench', streams: [{ aggregateId: `${organizationId}/counter`, expectedVersion: 0, events: [somethingHappened.create({ amount: 1, note: 'bench' })] }] });
  const [entry] = (await redis.xRange(keys.stream(partitionOf(organizationId, PARTITIONS)), '-', '+', { COUNT: 1 })) ?? [];
  if (!entry?.message.e) throw new Error('no envelope found after the sample append');
  return entry.message.e;
}

function sidesOf(redis: Redis, serverPids: number[], payload: string, prefix: '' | 'cluster_'): Side[] {
  const where = prefix ? 'three-master cluster' : 'single Redis';
  const xaddKey = createKeys(`cap-${prefix}xadd`).stream(0);
  const side = (name: SideName, label: string, op: Side['op']): Side => ({ name, label: `${label}, ${where}`, op, serverPids, runs: [], serverCpuMs: 0, clientCpuMs: 0 });
  return [
    side(`${prefix}xadd`, `bare XADD of an envelope to one stream (one master's raw ceiling), ${IN_FLIGHT} in flight`, async () => {
      await redis.xAdd(xaddKey, '*', { e: payload });
      return 1;
    }),
    side(`${prefix}one_partition`, `appendEvents, ${IN_FLIGHT} organizations all on one partition`, appender(redis, `${prefix}one`, organizationsOn(`cap-${prefix}one`, 0, IN_FLIGHT))),
    side(`${prefix}all_partitions`, `appendEvents, ${IN_FLIGHT} organizations over all ${PARTITIONS} partitions`, appender(redis, `${prefix}all`, balancedOrganizations(`cap-${prefix}all`, IN_FLIGHT))),
  ];
}

async function measureSides(bench: Bench, sides: Side[], sizes: AppendSizes): Promise<void> {
  for (const side of sides) {
    bench.progress('capacity', `append: warming up ${side.name}…`);
    await runPool(sizes.warmUp, IN_FLIGHT, sizes.limitMs, side.op);
  }
  const sliceOps = Math.max(IN_FLIGHT * 4, Math.ceil(sizes.ops / SLICES));
  const done = (s: Side) => s.runs.reduce((sum, m) => sum + m.count, 0);
  const spent = (s: Side) => s.runs.reduce((sum, m) => sum + m.ms, 0);
  const unfinished = (s: Side) => done(s) < sizes.ops && spent(s) < sizes.limitMs;
  for (let round = 1; sides.some(unfinished); round++) {
    for (const side of round % 2 === 1 ? sides : [...sides].reverse()) {
      if (!unfinished(side)) continue;
      bench.progress('capacity', `append: round ${round}, ${side.name}…`);
      const [server0, client0] = [treesCpuMs(side.serverPids), ownCpuMs()];
      side.runs.push(await runPool(Math.min(sliceOps, sizes.ops - done(side)), IN_FLIGHT, sizes.limitMs - spent(side), side.op));
      side.serverCpuMs += treesCpuMs(side.serverPids) - server0;
      side.clientCpuMs += ownCpuMs() - client0;
    }
    bench.log(`  append round ${String(round).padStart(2)}  ${sides.map((s) => `${s.name} ${fmt(s.runs.at(-1))}`).join('  ')} ops/s`);
  }
}

function figuresOf(sides: ReadonlyArray<Side>): Figures {
  const figures: Figures = {};
  for (const side of sides) {
    const summary = summarise(side.runs, 'median');
    const cut = summary.cut ? { cut: true } : {};
    figures[`capacity.append.${side.name}`] = { value: summary.rate, unit: 'ops/s', label: `${side.label} (median slice)`, ...cut };
    const perOp = (ms: number) => (summary.count > 0 ? (ms * 1000) / summary.count : 0);
    figures[`capacity.append.${side.name}_redis_cpu_us`] = { value: perOp(side.serverCpuMs), unit: 'µs', label: `Redis CPU per operation (all masters), ${side.name}` };
    figures[`capacity.append.${side.name}_client_cpu_us`] = { value: perOp(side.clientCpuMs), unit: 'µs', label: `client (this process) CPU per operation, ${side.name}` };
  }
  return figures;
}

export async function measureAppendCapacity(bench: Bench, sizes: AppendSizes): Promise<Figures> {
  const logger = pino({ level: 'silent' });
  const single = createRedis({ url: bench.redisUrl, logger, name: 'bench-capacity' });
  await single.connect();
  try {
    const appendfsync = (await single.configGet('appendfsync')).appendfsync ?? 'always';
    const payload = await envelopeOf(single);
    bench.progress('capacity', 'append: starting a three-master Redis Cluster…');
    return await withBenchCluster(bench.root, appendfsync, async (cluster) => {
      const [seed = '', ...seeds] = cluster.urls;
      const clustered = createRedis({ url: seed, cluster: seeds, logger, name: 'bench-capacity-cluster' });
      await clustered.connect();
      try {
        const layout = await mastersOfKeys(clustered, Array.from({ length: PARTITIONS }, (_, p) => createKeys('sl').stream(p)));
        const masters = new Set(layout.map((l) => l.master));
        bench.log(`  cluster: ${cluster.urls.length} masters (appendfsync ${appendfsync}); ${layout.map((l, p) => `{p${p}} slot ${l.slot} on ${l.master}`).join(', ')}`);
        bench.check('capacity.partitions_on_every_master', masters.size === cluster.urls.length, `${PARTITIONS} partitions on ${masters.size} of ${cluster.urls.length} masters`);
        const clusterPids = cluster.nodes.flatMap((node) => node.pid() ?? []);
        const sides = [...sidesOf(single, [await redisPid(single)], payload, ''), ...sidesOf(clustered, clusterPids, payload, 'cluster_')];
        bench.log(`  append: ${fmt(sizes.ops)} ops per side in slices of ${fmt(Math.max(IN_FLIGHT * 4, Math.ceil(sizes.ops / SLICES)))}, ${IN_FLIGHT} in flight, envelope ${Buffer.byteLength(payload)} bytes`);
        await measureSides(bench, sides, sizes);
        return figuresOf(sides);
      } finally {
        clustered.destroy();
      }
    });
  } finally {
    single.destroy();
  }
}
