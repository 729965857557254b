/**
 * Runs before `next build` on Vercel (`npm run vercel-build`): a production
 * deployment migrates its database first, over the direct URL, so the new code
 * never meets an old schema. A pooled URL is refused (a transaction pooler
 * cannot hold the migration's session lock), and other deployments (previews,
 * local builds) migrate nothing here.
 */
import { loadScriptEnv } from './lib/load-env';
import { assertPostgresReachable } from './lib/preflight';
import { runMain } from './lib/run-main';

runMain(async () => {
  loadScriptEnv();
  if (process.env.VERCEL_ENV !== 'production') {
    console.log(`migrations: skipped (${process.env.VERCEL_ENV ? `a ${process.env.VERCEL_ENV} deployment` : 'not a Vercel deployment'}; run npm run db:migrate yourself)`);
    return;
  }
  const { env } = await import('../src/env');
  const { redactUrl } = await import('../src/server/redis/client');
  if (env.DATABASE_DIRECT_URL_POOLED) {
    throw new Error(
      `DATABASE_DIRECT_URL (${redactUrl(env.DATABASE_DIRECT_URL)}) goes through a connection pooler; migrations need the direct URL (DATABASE_URL_UNPOOLED on Neon, POSTGRES_URL_NON_POOLING on Supabase).`,
    );
  }
  const { runMigrations } = await import('../src/server/db/migrate');
  await assertPostgresReachable(env.DATABASE_DIRECT_URL);
  await runMigrations(env.DATABASE_DIRECT_URL);
  console.log('✔ migrations applied');
});
