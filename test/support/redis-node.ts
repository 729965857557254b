/** For tests that inspect a single Redis server as a whole (SCAN, MONITOR, CLIENT LIST): its one connection. */
import { isCluster, type Redis, type RedisNode } from '~/server/redis/client';

export function singleServer(redis: Redis): RedisNode {
  if (isCluster(redis)) throw new Error('this test inspects a single Redis server, not a cluster');
  return redis;
}
