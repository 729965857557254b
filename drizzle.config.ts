import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` diffs every table in these files against drizzle/ and
// writes a new SQL migration there; commit it. `db:studio` needs DATABASE_URL.
// Globs rather than a list, so a new read model is migrated without being
// registered anywhere; test/integration/schema-files.test.ts fails when a
// table lives somewhere these do not reach. drizzle-kit loads every matched
// file, so no glob may reach a file that reads the environment (mail's
// index.ts does): the mail folder is named file by file.
export default defineConfig({
  dialect: 'postgresql',
  schema: ['./src/server/db/*-schema.ts', './src/server/modules/**/read-models/*.ts', './src/server/mail/dev-mailbox.ts'],
  out: './drizzle',
  dbCredentials: { url: process.env.DATABASE_DIRECT_URL ?? process.env.DATABASE_URL ?? '' },
  strict: true,
  verbose: true,
});
