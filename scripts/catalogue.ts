/**
 * `npm run catalogue`: prints the event catalogue as Markdown: every event
 * type with its version, description, fields, example, aggregate, the
 * projectors and reactors that read it and the views they refresh
 * (src/server/events/describe.ts). It is generated from the code, so it needs
 * no database, no Redis and no `.env`: `npm run catalogue > EVENTS.md` works
 * in a fresh clone.
 */
import { runMain } from './lib/run-main';

/**
 * Importing the app's projectors parses the environment, though nothing here
 * connects to anything: variables only a running server needs get inert
 * values when unset (like `next build`'s placeholders in src/env-schema.ts).
 */
const INERT = {
  DATABASE_URL: 'postgres://catalogue.invalid/streamline',
  REDIS_URL: 'redis://catalogue.invalid',
  AUTH_SECRET: 'catalogue-placeholder-never-used-to-sign-anything',
};

runMain(async () => {
  for (const [name, value] of Object.entries(INERT)) process.env[name] ||= value;
  const { appEventCatalogue } = await import('../src/server/app/event-catalogue');
  const { renderCatalogueMarkdown } = await import('../src/server/events/describe-markdown');
  process.stdout.write(renderCatalogueMarkdown(appEventCatalogue()));
});
