/**
 * Reachability checks run before a script starts real work, so a wrong URL
 * ends in one readable line instead of a retry loop or a stack trace.
 */
import postgres from 'postgres';
import { createClient } from 'redis';
import { postgresConnection } from '../../src/lib/connection-urls';
import { redisSocketOptions, redactUrl } from '../../src/server/redis/client';

const TIMEOUT_S = 5;

export async function assertPostgresReachable(url: string): Promise<void> {
  const sql = postgres(postgresConnection(url).url, { max: 1, connect_timeout: TIMEOUT_S, onnotice: () => undefined });
  try {
    await sql`select 1`;
  } catch (error) {
    throw new Error(`PostgreSQL at ${redactUrl(url)} is unreachable: ${reason(error)}. Check DATABASE_URL.`);
  } finally {
    await sql.end({ timeout: 1 }).catch(() => undefined);
  }
}

export async function assertRedisReachable(url: string): Promise<void> {
  const client = createClient({
    url,
    socket: { ...redisSocketOptions(url), connectTimeout: TIMEOUT_S * 1000, reconnectStrategy: false },
  });
  client.on('error', () => undefined); // reported through connect()'s rejection below
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw new Error(`Redis at ${redactUrl(url)} is unreachable: ${reason(error)}. Check REDIS_URL.`);
  } finally {
    client.destroy();
  }
}

function reason(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return reason(error.errors[0]);
  if (error instanceof Error) {
    const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
    return code && !error.message.includes(code) ? `${code} ${error.message}` : error.message;
  }
  return String(error);
}
