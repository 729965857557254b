/**
 * A scenario's own connections to the bench's Redis and PostgreSQL, opened at
 * its start and closed at its end, so no scenario depends on another's
 * clients. Edit it when scenarios need another kind of connection.
 */
import pino, { type Logger } from 'pino';
import { createDb, type Db } from '../../src/server/db/client';
import type { DurabilityPolicy } from '../../src/server/events/durability';
import { createRedis, type Redis } from '../../src/server/redis/client';
import type { Bench } from './contract';

/** Connections per scenario; every side of a comparison shares the same pool. */
export const DB_POOL = 4;

/**
 * Bench stores append whatever the server's persistence is: `--appendfsync
 * everysec` must measure, not be refused. The JSON records the server's real
 * durability class beside the figures.
 */
export const BENCH_DURABILITY: DurabilityPolicy = 'accept-risk';

export interface Clients {
  redis: Redis;
  db: Db;
  logger: Logger;
  close: () => Promise<void>;
}

export async function openClients(bench: Pick<Bench, 'redisUrl' | 'databaseUrl'>, name: string): Promise<Clients> {
  const logger = pino({ level: 'silent' });
  const redis = createRedis({ url: bench.redisUrl, logger, name: `bench-${name}` });
  await redis.connect();
  const db = createDb({ url: bench.databaseUrl, max: DB_POOL });
  return {
    redis,
    db,
    logger,
    close: async () => {
      redis.destroy();
      await db.$client.end({ timeout: 5 });
    },
  };
}
