/**
 * A Redis Cluster of a test file's own (one it may kill nodes of), with an
 * event harness on it: started before the file's tests, stopped after them.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startLocalRedisCluster, type LocalRedisCluster } from '../../scripts/lib/local-redis-cluster';
import { createHarness, type Harness } from './event-harness';

export function ownCluster(opts: { partitions: number; replicasPerMaster?: number }): { cluster: () => LocalRedisCluster; harness: () => Harness } {
  let dir = '';
  let cluster: LocalRedisCluster | undefined;
  let harness: Harness | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'streamline-cluster-'));
    chmodSync(dir, 0o755); // PostgreSQL, run as its own user, shares the temp folder's parent
    cluster = await startLocalRedisCluster({ dir, replicasPerMaster: opts.replicasPerMaster ?? 0 });
    harness = await createHarness({ partitions: opts.partitions, redisUrl: cluster.urls[0], cluster: true });
  });
  afterAll(async () => {
    await harness?.close();
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the cluster is started in beforeAll');
    return value;
  };
  return { cluster: () => started(cluster), harness: () => started(harness) };
}
