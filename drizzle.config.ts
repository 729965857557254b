import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` diffs src/server/db/schema.ts against drizzle/ and writes
// a new SQL migration there; commit it. `db:studio` needs DATABASE_URL.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/server/db/schema.ts',
  out: './drizzle',
  dbCredentials: { url: process.env.DATABASE_DIRECT_URL ?? process.env.DATABASE_URL ?? '' },
  strict: true,
  verbose: true,
});
