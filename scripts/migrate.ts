/**
 * `npm run db:migrate`: applies pending migrations from drizzle/ to
 * DATABASE_DIRECT_URL (or DATABASE_URL).
 */
import { loadScriptEnv } from './lib/load-env';
import { assertPostgresReachable } from './lib/preflight';
import { runMain } from './lib/run-main';

runMain(async () => {
  loadScriptEnv();
  const { env } = await import('../src/env');
  const { runMigrations } = await import('../src/server/db/migrate');
  await assertPostgresReachable(env.DATABASE_DIRECT_URL);
  await runMigrations(env.DATABASE_DIRECT_URL);
  console.log('✔ migrations applied');
});
