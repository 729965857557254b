/**
 * The process-wide database handle. Connections open lazily on first query.
 */
import { env } from '~/env';
import { createDb, type Db } from './client';

export { createDb, type Db } from './client';

// globalThis has no such slot in its type; one instance survives dev hot reloads there.
const globalForDb = globalThis as unknown as { streamlineDb?: Db };

// Cached on globalThis so Next.js hot reloads reuse the pool instead of leaking one per edit.
export const db: Db =
  globalForDb.streamlineDb ??
  createDb({ url: env.DATABASE_URL, max: env.DATABASE_POOL_MAX, prepare: env.DATABASE_PREPARE });
globalForDb.streamlineDb = db;
