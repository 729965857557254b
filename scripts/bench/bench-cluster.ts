/**
 * A three-master Redis Cluster for the capacity scenario, started in a
 * directory under the bench's temporary root (removed with it), on
 * 127.0.0.1, with the same `appendfsync` as the bench's single Redis, and
 * always stopped: at the end of the work, when the work throws, and when the
 * bench process exits any other way (Ctrl-C, a crash), also while the
 * cluster is still starting: then every process of the cluster's own
 * temporary directory is killed.
 *
 * Also answers which master serves each partition, as the running cluster
 * reports it (`CLUSTER SLOTS`), not as computed from the slot ranges.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { createClient } from 'redis';
import { z } from 'zod';
import { startLocalRedisCluster, type LocalRedisCluster } from '../lib/local-redis-cluster';
import { sendRaw, type Redis } from '../../src/server/redis/client';
import { slotOf } from '../../src/server/redis/slots';

/**
 * SIGKILLs every process of this cluster: a node runs in `<dir>/node-<i>`
 * once started, and names that directory on its command line until it has
 * read it (redis-server then rewrites the line to `redis-server
 * 127.0.0.1:<port> [cluster]`).
 */
function killProcessesIn(dir: string): void {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return;
  }
  for (const pid of entries) {
    try {
      // A directory removed meanwhile reads as "<path> (deleted)": still under `dir`.
      const ours = readlinkSync(`/proc/${pid}/cwd`).startsWith(`${dir}/`) || readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`${dir}/`);
      if (ours) process.kill(Number(pid), 'SIGKILL');
    } catch {
      // gone, or not ours to read
    }
  }
}

/** Starts the cluster, runs `work`, and stops every node whatever happens. */
export async function withBenchCluster<T>(root: string, appendfsync: string, work: (cluster: LocalRedisCluster) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(root, 'capacity-cluster-'));
  // Ctrl-C makes the runner call process.exit(), which skips every `finally`: the nodes (own process groups) would
  // outlive it. First in line and quick: under `npm run`, tsx SIGKILLs a process still exiting after about 60 ms.
  let cluster: LocalRedisCluster | undefined;
  const onExit = () => {
    if (!cluster) return killProcessesIn(dir); // still starting: find them
    for (const pid of cluster.nodes.map((node) => node.pid())) {
      try {
        if (pid) process.kill(pid, 'SIGKILL'); // never 0: that would be this process's own group
      } catch {
        // already gone
      }
    }
  };
  process.prependListener('exit', onExit);
  try {
    cluster = await startLocalRedisCluster({ dir, masters: 3 });
    // The nodes start with fsync on every write; measure them as the single server is configured.
    for (const node of cluster.nodes) {
      const client = createClient({ url: node.url });
      await client.connect();
      try {
        await client.configSet('appendfsync', appendfsync);
      } finally {
        client.destroy();
      }
    }
    return await work(cluster);
  } finally {
    await cluster?.stop();
    process.off('exit', onExit);
  }
}

/** `CLUSTER SLOTS`: [start, end, [host, port, id, …], replicas…] per range. */
const slotsReply = z.array(z.tuple([z.number(), z.number(), z.tuple([z.string(), z.number()]).rest(z.unknown())]).rest(z.unknown()));

/** `host:port` of the master serving each key, as the cluster answers (`CLUSTER SLOTS` asked of the node that serves the first key). */
export async function mastersOfKeys(redis: Redis, keys: ReadonlyArray<string>): Promise<Array<{ key: string; slot: number; master: string }>> {
  const first = keys[0];
  if (first === undefined) return [];
  const ranges = slotsReply.parse(await sendRaw(redis, first, ['CLUSTER', 'SLOTS']));
  return keys.map((key) => {
    const slot = slotOf(key);
    const range = ranges.find(([start, end]) => slot >= start && slot <= end);
    return { key, slot, master: range ? `${range[2][0]}:${range[2][1]}` : '?' };
  });
}
