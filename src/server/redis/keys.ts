/**
 * Every Redis key the app uses is built here, so the key space is visible in
 * one file. All keys start with `REDIS_KEY_PREFIX`. Keys that one atomic
 * script touches together must share a Redis Cluster hash tag (`{...}`).
 *
 * Edit this file when you add a kind of key.
 */
export type Keys = ReturnType<typeof createKeys>;

export function createKeys(prefix: string) {
  return {
    prefix,
    /** Worker liveness: one key per running worker process, with a TTL. */
    workerHeartbeat: (workerId: string) => `${prefix}:worker:${workerId}`,
    /** Pattern matching every worker heartbeat key. */
    workerHeartbeatPattern: () => `${prefix}:worker:*`,
  };
}
