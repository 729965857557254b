/**
 * Redis connections. There are two kinds:
 *
 * - the **command client**: one per process, shared, for short commands. A
 *   command issued while Redis is away waits for the connection at most its
 *   timeout, then fails, so callers (health checks, requests) never hang.
 * - **blocking clients**: one per blocking reader (`XREADGROUP … BLOCK`). A
 *   blocking read holds its connection until it returns, so it must never share
 *   the command client, and its timeout is set to outlast the longest block.
 *
 * Both reconnect on their own with capped exponential backoff and log each
 * loss and recovery once. `rediss://` URLs use TLS.
 *
 * With `cluster` set, either kind is a Redis Cluster client: node-redis routes
 * each command to the master of its key's slot and follows `MOVED`/`ASK`. The
 * app's multi-key commands and scripts touch one partition's keys, which share
 * a hash tag and so a slot (see ./keys.ts); a command without a key goes to
 * the node that serves a key the caller names (`nodeFor`, `sendRaw`).
 */
import { createClient, createCluster, type RedisClientType, type RedisClusterType } from 'redis';
import type { Logger } from 'pino';

/** A single server's client or a cluster's: the typed commands are the same. */
export type Redis = RedisClientType | RedisClusterType;
/** One connection to one server (a single Redis, or one node of a cluster). */
export type RedisNode = RedisClientType;

export interface RedisOptions {
  url: string;
  logger: Logger;
  /** Name shown in `CLIENT LIST` and in logs. */
  name: string;
  /** Per-command timeout in ms. Default 5000. */
  commandTimeoutMs?: number;
  /** Extra TLS trust (PEM), for servers with a private CA. Public CAs need nothing. */
  tlsCa?: string;
  /** Keep-alive PING every so many ms (default 60 s: below common idle cut-offs, one command a minute idle); `null` for none. */
  pingIntervalMs?: number | null;
  /** A Redis Cluster: more seed nodes besides `url` (may be empty); `null`/absent for a single server (env REDIS_CLUSTER). */
  cluster?: ReadonlyArray<string> | null;
}

/** Longest `BLOCK` a blocking client may use; its command timeout is this plus a margin. */
export const MAX_BLOCK_MS = 30_000;
const BLOCKING_TIMEOUT_MARGIN_MS = 5_000;

export function redisSocketOptions(url: string, tlsCa?: string) {
  const tls = new URL(url).protocol === 'rediss:';
  return {
    connectTimeout: 5_000,
    // Retry forever with capped backoff; a process should outlive a Redis restart.
    reconnectStrategy: (retries: number) => Math.min(50 * 2 ** Math.min(retries, 10), 2_000),
    ...(tls ? { tls: true as const, ...(tlsCa ? { ca: tlsCa } : {}) } : {}),
  };
}

export function createRedis(opts: RedisOptions): Redis {
  const log = opts.logger.child({ component: 'redis', client: opts.name });
  const client = opts.cluster ? createClusterClient(opts) : createSingleClient(opts);

  let down = false;
  const lost = (error: unknown) => {
    if (down) return; // one line per outage, not one per retry
    down = true;
    log.warn({ err: describe(error) }, `redis connection lost (${redactUrl(opts.url)}); reconnecting`);
  };
  const restored = () => {
    if (down) log.info('redis connection restored');
    down = false;
  };
  client.on('error', lost);
  client.on('ready', restored);
  // A cluster reports its nodes' connections apart from its own.
  client.on('node-error', lost);
  client.on('node-ready', restored);
  return client;
}

function createSingleClient(opts: RedisOptions): RedisClientType {
  return createClient({
    url: opts.url,
    name: opts.name,
    socket: redisSocketOptions(opts.url, opts.tlsCa),
    commandOptions: { timeout: opts.commandTimeoutMs ?? 5_000 },
    // Keeps idle connections alive through proxies and NATs that drop silent sockets.
    ...(opts.pingIntervalMs === null ? {} : { pingInterval: opts.pingIntervalMs ?? 60_000 }),
  });
}

/**
 * A cluster client. Its seed URLs only find the topology: the connections to
 * the nodes it discovers take credentials and TLS from `defaults`, so they are
 * read from `url` here. It connects to a node when a command first needs it.
 *
 * Unlike a single server's client, node-redis's cluster client fails commands
 * sent before it has found the topology, and gives up when no seed answers.
 * So it is wrapped: every command waits for the first discovery (bounded by the
 * command timeout), and discovery is retried with the reconnect backoff.
 */
function createClusterClient(opts: RedisOptions): RedisClusterType {
  const url = new URL(opts.url);
  const timeoutMs = opts.commandTimeoutMs ?? 5_000;
  const cluster: RedisClusterType = createCluster({
    rootNodes: [opts.url, ...(opts.cluster ?? [])].map((seed) => ({ url: seed })),
    defaults: {
      name: opts.name,
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
      socket: redisSocketOptions(opts.url, opts.tlsCa),
      ...(opts.pingIntervalMs === null ? {} : { pingInterval: opts.pingIntervalMs ?? 60_000 }),
    },
    commandOptions: { timeout: timeoutMs },
    minimizeConnections: true,
  });
  let closed = false;
  let connecting: Promise<void> | null = null;
  const connect = (): Promise<void> => {
    connecting ??= (async () => {
      const { reconnectStrategy } = redisSocketOptions(opts.url);
      for (let attempt = 0; !closed; attempt++) {
        try {
          await cluster.connect();
          return;
        } catch (error) {
          if (closed) return;
          cluster.emit('error', error);
          await new Promise((resolve) => setTimeout(resolve, reconnectStrategy(attempt)));
        }
      }
    })();
    return connecting;
  };
  const ready = async (): Promise<void> => {
    if (cluster.isReady) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis Cluster not reachable within ${timeoutMs} ms (${redactUrl(opts.url)})`)), timeoutMs);
    });
    try {
      await Promise.race([connect(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
  /** Members called as they are: events, and what only reads state. */
  const direct = new Set<PropertyKey>(['on', 'once', 'off', 'emit', 'addListener', 'removeListener', 'removeAllListeners', 'listeners', 'listenerCount']);
  const closing = new Set<PropertyKey>(['destroy', 'close', 'quit', 'disconnect']);
  return new Proxy(cluster, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || direct.has(property)) return value;
      if (property === 'connect') return connect;
      if (closing.has(property)) {
        return (...args: unknown[]) => {
          closed = true;
          return Reflect.apply(value, target, args);
        };
      }
      if (property === 'multi' || property === 'MULTI') {
        return (...args: unknown[]) => {
          const multi: unknown = Reflect.apply(value, target, args);
          return typeof multi === 'object' && multi !== null ? waitingExec(multi, ready) : multi;
        };
      }
      return (...args: unknown[]) => (target.isReady ? Reflect.apply(value, target, args) : ready().then(() => Reflect.apply(value, target, args)));
    },
  });
}

/** A transaction builder whose `exec` waits for the cluster, like every command. */
function waitingExec<T extends object>(multi: T, ready: () => Promise<void>): T {
  return new Proxy(multi, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (property === 'exec' || property === 'EXEC' || property === 'execAsPipeline') {
        return async (...args: unknown[]) => {
          await ready();
          return Reflect.apply(value, target, args);
        };
      }
      // A chained command returns the builder: keep the wrapper around it.
      return (...args: unknown[]) => {
        const result: unknown = Reflect.apply(value, target, args);
        return result === target ? receiver : result;
      };
    },
  });
}

/** Whether `redis` is a cluster client. */
export function isCluster(redis: Redis): redis is RedisClusterType {
  return 'masters' in redis;
}

/** The connection that serves `key`'s slot: the client itself on a single server. */
export async function nodeFor(redis: Redis, key: string): Promise<RedisNode> {
  return isCluster(redis) ? redis.getNodeClientForKey(key) : redis;
}

/** Every master's connection: the client itself on a single server. */
export async function mastersOf(redis: Redis): Promise<RedisNode[]> {
  if (!isCluster(redis)) return [redis];
  await redis.sendCommand(undefined, true, ['PING']); // the topology is known once a command went through
  return Promise.all(redis.masters.map((master) => redis.nodeClient(master)));
}

/**
 * A raw command, routed by `key` on a cluster, with the cluster client's MOVED/ASK handling. `key` must be one
 * the command touches: node-redis sends a command without keys (CLIENT …) to a random node, whatever `key`
 * says; use `sendToNodeOf` for those.
 */
export function sendRaw(redis: Redis, key: string, args: string[]): Promise<unknown> {
  return isCluster(redis) ? redis.sendCommand(key, false, args) : redis.sendCommand(args);
}

/**
 * A command for the node that serves `key`'s slot, on that node's connection (the one the cluster client's
 * commands on `key` use): for commands without keys that are about that node, as `CLIENT ID` and
 * `CLIENT UNBLOCK` are about one connection to it.
 */
export async function sendToNodeOf(redis: Redis, key: string, args: string[]): Promise<unknown> {
  return (await nodeFor(redis, key)).sendCommand(args);
}

/** A dedicated connection for blocking reads; its timeout outlasts any allowed `BLOCK`. */
export function createBlockingRedis(opts: Omit<RedisOptions, 'commandTimeoutMs'>): Redis {
  // No keep-alive PING: a blocking read is traffic already, and a PING would only queue behind it.
  return createRedis({ ...opts, commandTimeoutMs: MAX_BLOCK_MS + BLOCKING_TIMEOUT_MARGIN_MS, pingIntervalMs: null });
}

/** `redis://user:secret@host` → `redis://user:***@host`, for logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '<invalid url>';
  }
}

function describe(error: unknown): string {
  if (error instanceof AggregateError) return error.errors.map(describe).join('; ');
  if (error instanceof Error) return 'code' in error && typeof error.code === 'string' ? `${error.code}: ${error.message}` : error.message;
  return String(error);
}

/**
 * Starts connecting without waiting. The first connection attempt retries like
 * any reconnect, so a Redis that starts after the app is picked up on its own.
 */
export function connectInBackground(client: Redis): void {
  // Errors are reported through the client's 'error' event (see createRedis).
  client.connect().catch(() => undefined);
}
