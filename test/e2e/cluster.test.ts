/**
 * The whole flow on a Redis Cluster: an app of its own (`next start` of the
 * e2e build, `REDIS_CLUSTER=true`, REDIS_URL one node of a three-master
 * cluster started here) with a database of its own and one `npm run worker`,
 * which holds every partition, so the projectors and the invitation mailer
 * run on the cluster through the worker. Two users in two browsers go through
 * the board scenario of test/e2e/organizations.test.ts (test/support/scenarios.ts).
 * Then, read through a cluster client: the organization's events are all in
 * its partition's stream and nowhere else, that stream's projector groups
 * delivered everything to the worker and nobody else, the worker holds every
 * partition's lease and its heartbeats are in the workers set.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { envelopeSchema, type RawEnvelope } from '~/server/events/envelope';
import { createRedis, isCluster, type Redis } from '~/server/redis/client';
import { createKeys, partitionOf } from '~/server/redis/keys';
import { slotOf } from '~/server/redis/slots';
import { startAppServer, type AppServer } from '../../scripts/lib/app-server';
import { startLocalRedisCluster, type LocalRedisCluster } from '../../scripts/lib/local-redis-cluster';
import { freePort } from '../../scripts/lib/ports';
import { sharedBrowser } from '../support/browser';
import { eventually } from '../support/log-capture';
import { startWorkerProcess, stopGracefully, type WorkerProcess } from '../support/processes';
import { twoUsersOnOneBoard } from '../support/scenarios';
import { createDatabaseFromTemplate } from '../support/services';

const PARTITIONS = 4;
/** Every projector and reactor of the app (src/server/app/projectors.ts): one consumer group each per stream. */
const PROJECTORS = ['activity', 'archive', 'board', 'dashboard', 'directory', 'invitation-mailer'];
const keys = createKeys(`cluster-${randomBytes(3).toString('hex')}`);
const browser = sharedBrowser();

let dir: string | undefined;
let cluster: LocalRedisCluster | undefined;
let app: AppServer | undefined;
let worker: WorkerProcess | undefined;
let redis: Redis | undefined;
let appUrl = '';

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'streamline-e2e-cluster-'));
  // PostgreSQL runs as its own user when the tests run as root; the nodes' directories must stay reachable.
  chmodSync(dir, 0o755);
  cluster = await startLocalRedisCluster({ dir });
  const port = await freePort();
  // Addressed as localhost, like the shared app (test/support/global-app.ts says why).
  appUrl = `http://localhost:${port}`;
  const env = {
    // The shared app's settings (development sign-in, its SMTP server, …), with a database and Redis of its own.
    ...inject('appEnv'),
    DATABASE_URL: await createDatabaseFromTemplate(inject('postgresServerUrl'), `e2e_cluster_${randomBytes(4).toString('hex')}`),
    REDIS_URL: cluster.urls[0] ?? '',
    REDIS_CLUSTER: 'true',
    REDIS_KEY_PREFIX: keys.prefix,
    EVENT_PARTITIONS: String(PARTITIONS),
    PROJECTORS_MODE: 'worker',
    AUTH_SECRET: randomBytes(32).toString('base64url'),
    AUTH_URL: appUrl,
  };
  worker = startWorkerProcess('scripts/worker.ts', { ...env, LOG_LEVEL: 'info', LOG_FORMAT: 'json' });
  app = await startAppServer(env, { port });
  redis = createRedis({ url: cluster.urls[0] ?? '', cluster: [], logger: pino({ level: 'silent' }), name: 'e2e-cluster-reader' });
  await redis.connect();
  // Before the first command: otherwise the app would drain the partitions itself, none being held.
  const output = worker.output;
  await eventually(() => (output().match(/lease acquired/g) ?? []).length >= PARTITIONS, 60_000, 'the worker holding every partition');
}, 240_000);

afterAll(async () => {
  // Whatever beforeAll got to start, also when it failed halfway.
  redis?.destroy();
  if (worker) await stopGracefully(worker);
  await app?.stop();
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

/** Every event of every partition's stream, decoded, with the partition it is in. */
async function allEvents(client: Redis): Promise<Array<{ partition: number; event: RawEnvelope }>> {
  const found: Array<{ partition: number; event: RawEnvelope }> = [];
  for (let partition = 0; partition < PARTITIONS; partition++) {
    for (const entry of (await client.xRange(keys.stream(partition), '-', '+')) ?? []) {
      found.push({ partition, event: envelopeSchema.parse(JSON.parse(String(entry.message.e))) });
    }
  }
  return found;
}

const groupsReply = z.array(z.object({ name: z.string(), pending: z.number(), 'last-delivered-id': z.string() }).loose());
const consumersReply = z.array(z.object({ name: z.string(), pending: z.number() }).loose());

describe('the app on a Redis Cluster, with a worker', () => {
  it('two users in two browsers on one board, then the organization’s events are in its partition’s stream on the cluster, projected by the worker', { timeout: 240_000 }, async () => {
    const client = redis;
    if (!client || !worker?.child.pid) throw new Error('setup did not finish');
    const { organizationUrl } = await twoUsersOnOneBoard(browser, appUrl, inject('mailDir'), { screenshotPrefix: 'cluster-' });
    const slug = new URL(organizationUrl).pathname.split('/').pop();

    // The organization's events, found by its creation, all sit in the one stream of its partition.
    const events = await allEvents(client);
    const created = events.find(({ event }) => event.type === 'organization.created' && z.object({ slug: z.string() }).parse(event.data).slug === slug);
    if (!created) throw new Error(`no organization.created for ${slug} in any stream`);
    const organizationId = created.event.organizationId;
    const partition = partitionOf(organizationId, PARTITIONS);
    const own = events.filter(({ event }) => event.organizationId === organizationId);
    expect(new Set(own.map((e) => e.partition))).toEqual(new Set([partition]));
    const types = own.map(({ event }) => event.type);
    expect(types.slice(0, 2)).toEqual(['organization.created', 'member.added']);
    for (const type of ['project.created', 'invitation.created', 'invitation.accepted', 'task.created', 'task.edited', 'project.renamed', 'task.archived', 'task.restored', 'member.removed']) {
      expect(types, type).toContain(type);
    }
    // Alice to Doing, Bob to Done, Alice back to Doing.
    expect(types.filter((type) => type === 'task.moved')).toHaveLength(3);

    // The stream is on the master that serves its slot: that node alone, asked directly, holds all of it.
    const stream = keys.stream(partition);
    const tip = ((await client.xRevRange(stream, '+', '-', { COUNT: 1 })) ?? [])[0]?.id;
    if (!isCluster(client)) throw new Error('the reader is not a cluster client');
    const master = client.getSlotMaster(slotOf(stream));
    expect(cluster?.nodes.map((node) => node.port)).toContain(master.port);
    const node = createRedis({ url: `redis://127.0.0.1:${master.port}`, logger: pino({ level: 'silent' }), name: 'e2e-cluster-node' });
    await node.connect();
    try {
      expect(await node.xLen(stream)).toBe(events.filter((e) => e.partition === partition).length);
    } finally {
      node.destroy();
    }

    // Every projector's group on that stream delivered up to its tip, acknowledged all of it, and read it as the worker only.
    const [workerId, ...otherWorkers] = await client.zRange(keys.workers(), 0, -1);
    expect(otherWorkers).toEqual([]);
    expect(workerId).toMatch(new RegExp(`^${hostname()}-${worker.child.pid}-`));
    await eventually(
      async () => {
        const groups = groupsReply.parse(await client.xInfoGroups(stream));
        return groups.length === PROJECTORS.length && groups.every((g) => g.pending === 0 && g['last-delivered-id'] === tip);
      },
      20_000,
      `every projector at the tip of ${stream}`,
    );
    const groups = groupsReply.parse(await client.xInfoGroups(stream));
    expect(groups.map((g) => g.name).sort()).toEqual(PROJECTORS);
    for (const group of PROJECTORS) {
      const consumers = consumersReply.parse(await client.xInfoConsumers(stream, group));
      expect(consumers.map((c) => c.name), `consumers of ${group}`).toEqual([workerId]);
    }

    // The worker holds every partition's lease and counts as live: its last heartbeat is within its lease time
    // (WORKER_LEASE_MS, 60 s by default; it beats every third of it, so not necessarily during a shorter flow).
    for (let p = 0; p < PARTITIONS; p++) expect(await client.get(keys.lease(p)), `lease of partition ${p}`).toBe(workerId);
    expect(await client.zScore(keys.workers(), workerId ?? '')).toBeGreaterThan(Date.now() - 60_000);
  });
});
