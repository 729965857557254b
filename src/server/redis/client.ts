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
 */
import { createClient, type RedisClientType } from 'redis';
import type { Logger } from 'pino';

export type Redis = RedisClientType;

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
  const client: Redis = createClient({
    url: opts.url,
    name: opts.name,
    socket: redisSocketOptions(opts.url, opts.tlsCa),
    commandOptions: { timeout: opts.commandTimeoutMs ?? 5_000 },
    // Keeps idle connections alive through proxies and NATs that drop silent sockets.
    ...(opts.pingIntervalMs === null ? {} : { pingInterval: opts.pingIntervalMs ?? 60_000 }),
  });

  let down = false;
  client.on('error', (error: unknown) => {
    if (down) return; // one line per outage, not one per retry
    down = true;
    log.warn({ err: describe(error) }, `redis connection lost (${redactUrl(opts.url)}); reconnecting`);
  });
  client.on('ready', () => {
    if (down) log.info('redis connection restored');
    down = false;
  });
  return client;
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
