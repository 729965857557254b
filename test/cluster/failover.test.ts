/**
 * A Redis Cluster with one replica per master, and appends that wait for it
 * (`EVENT_LOG_REPLICAS=1`, a store with `replicas: 1`): a master killed with
 * SIGKILL fails over to its replica, and every acknowledged append is still
 * in the log there; and an append whose replica is gone is not acknowledged
 * (the typed error says it was written but not replicated). Runs on a cluster
 * of its own.
 */
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { AppError } from '~/server/errors';
import { appendEvents, type EventStore } from '~/server/events/append';
import { createRedis } from '~/server/redis/client';
import { partitionOf } from '~/server/redis/keys';
import { slotOf } from '~/server/redis/slots';
import { counterIncremented } from '../support/event-core';
import { readLog } from '../support/event-harness';
import { ownCluster } from '../support/own-cluster';
import { eventually } from '../support/log-capture';
import { singleServer } from '../support/redis-node';

const PARTITIONS = 4;
const own = ownCluster({ partitions: PARTITIONS, replicasPerMaster: 1 });
/** Appends here wait for one replica. */
const storeOf = (): EventStore => ({ ...own.harness().store, replicas: 1 });

interface ClusterNodeView {
  id: string;
  port: number;
  master: boolean;
  /** The master this node replicates (replicas only). */
  of: string | null;
  serves: (slot: number) => boolean;
}

/** The cluster as a live node sees it (CLUSTER NODES), skipping failed nodes. */
async function topology(): Promise<ClusterNodeView[]> {
  for (const node of own.cluster().nodes) {
    const client = createRedis({ url: `redis://127.0.0.1:${node.port}`, logger: pino({ level: 'silent' }), name: 'test:topology', commandTimeoutMs: 1_000 });
    try {
      await client.connect();
      const lines = String(await singleServer(client).sendCommand(['CLUSTER', 'NODES'])).trim().split('\n');
      return lines
        .map((line) => line.split(' '))
        .filter(([, , flags = '']) => !flags.includes('fail'))
        .map(([id = '', address = '', flags = '', of = '-', , , , , ...slots]) => {
          const ranges = slots.map((range) => range.split('-').map(Number));
          return {
            id,
            port: Number(/:(\d+)@/.exec(address)?.[1] ?? 0),
            master: flags.includes('master'),
            of: of === '-' ? null : of,
            serves: (slot: number) => ranges.some(([from = -1, to = from]) => slot >= from && slot <= to),
          };
        });
    } catch {
      // this node is down: ask the next
    } finally {
      client.destroy();
    }
  }
  throw new Error('no cluster node answered');
}

const handleOf = (port: number) => {
  const node = own.cluster().nodes.find((n) => n.port === port);
  if (!node) throw new Error(`no node on port ${port}`);
  return node;
};

describe('one replica per master, appends that wait for it', () => {
  const organizationId = (partition: number) => {
    for (;;) {
      const id = `org-${randomUUID()}`;
      if (partitionOf(id, PARTITIONS) === partition) return id;
    }
  };
  const versions = new Map<string, number>();
  const acknowledged: string[] = [];
  const append = async (org: string) => {
    const expectedVersion = versions.get(org) ?? 0;
    const result = await appendEvents(storeOf(), { organizationId: org, actorId: 'u1', streams: [{ aggregateId: org, expectedVersion, events: [counterIncremented.create({ by: 1, note: '' })] }] });
    versions.set(org, expectedVersion + 1);
    acknowledged.push(`${org}:${result.versions[org] ?? '?'}`);
  };

  it('a master killed with SIGKILL fails over to its replica, which has every acknowledged append', { timeout: 120_000 }, async () => {
    const org = organizationId(0);
    for (let i = 0; i < 20; i++) await append(org);

    const slot = slotOf(own.harness().keys.stream(0));
    const master = (await topology()).find((n) => n.master && n.serves(slot));
    if (!master) throw new Error('no master for partition 0');
    await handleOf(master.port).kill();

    // The replica is promoted (after cluster-node-timeout) and the client follows the new topology. The promoted
    // master has no replica of its own yet, so an append is written but not acknowledged: the typed error says so.
    const retried = () =>
      appendEvents(storeOf(), { organizationId: org, actorId: 'u1', idempotencyKey: 'after-failover', streams: [{ aggregateId: org, expectedVersion: 20, events: [counterIncremented.create({ by: 1, note: '' })] }] });
    await eventually(
      async () => {
        const [outcome] = await Promise.allSettled([retried()]);
        return outcome?.status === 'rejected' && /reached 0 of the 1 Redis replicas/.test(String(outcome.reason));
      },
      60_000,
      'an append on the promoted master, written but not replicated',
    );
    const promoted = (await topology()).find((n) => n.master && n.serves(slot));
    expect(promoted?.id).not.toBe(master.id);

    // Every acknowledged append survived the failover.
    const logged = new Set((await readLog(own.harness())).map((e) => `${e.envelope.aggregateId}:${e.envelope.aggregateVersion}`));
    expect(acknowledged.filter((a) => !logged.has(a))).toEqual([]);
    expect(acknowledged).toHaveLength(20);

    // The old master comes back as the promoted one's replica; the same retry is now acknowledged, once.
    await handleOf(master.port).restart();
    await own.cluster().waitForClusterOk();
    await eventually(async () => (await Promise.allSettled([retried()]))[0]?.status === 'fulfilled', 30_000, 'the retry acknowledged');
    const result = await retried();
    expect(result.versions[org]).toBe(21);
    expect((await readLog(own.harness())).filter((e) => e.envelope.aggregateId === org)).toHaveLength(21);
  });

  it('an append whose master has lost its replica is written but not acknowledged', { timeout: 60_000 }, async () => {
    // Partition 2: on another master than partition 0's (see docs/scaling.md for where partitions land).
    const org = organizationId(2);
    await append(org);
    const slot = slotOf(own.harness().keys.stream(2));
    const nodes = await topology();
    const master = nodes.find((n) => n.master && n.serves(slot));
    const replica = nodes.find((n) => !n.master && n.of === master?.id);
    if (!replica) throw new Error('partition 2 has no replica');
    await handleOf(replica.port).kill();
    try {
      const refused = appendEvents(storeOf(), { organizationId: org, actorId: 'u1', streams: [{ aggregateId: org, expectedVersion: versions.get(org) ?? 0, events: [counterIncremented.create({ by: 1, note: '' })] }] });
      await expect(refused).rejects.toBeInstanceOf(AppError);
      await expect(refused).rejects.toThrow(/reached 0 of the 1 Redis replicas/);
    } finally {
      await handleOf(replica.port).restart();
      await own.cluster().waitForClusterOk();
    }
  });
});
