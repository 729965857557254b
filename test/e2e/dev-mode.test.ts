/**
 * The app in development mode: `next dev` (in its own output folder,
 * `.next-e2e-dev`, see next.config.ts) on a free loopback port, in Chromium.
 * There React StrictMode runs every effect twice (mount, unmount, mount),
 * which the production build the other end-to-end files serve never does, so
 * an effect that undoes itself on unmount shows only here.
 *
 * It runs in the e2e project: that project's global setup gives it PostgreSQL
 * and Redis (this file takes a database and key prefix of its own), and its
 * files run one at a time, so the dev server's compiles never meet another
 * browser test on the same cores.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, inject, it } from 'vitest';
import { startAppServer, type AppServer } from '../../scripts/lib/app-server';
import { freePort } from '../../scripts/lib/ports';
import { sharedBrowser } from '../support/browser';
import { createDatabaseFromTemplate } from '../support/services';
import { checkTaskHistoryDialog } from '../support/task-history';

/** Each page compiles on its first visit: far slower than the production build answers. */
const FIRST_VISIT_MS = 180_000;

const browser = sharedBrowser();
let app: AppServer | undefined;
let appUrl = '';

beforeAll(async () => {
  const port = await freePort();
  // Addressed as localhost, for the reason test/support/global-app.ts gives.
  appUrl = `http://localhost:${port}`;
  // The e2e app's environment, less what only `next start` (production) needs.
  const appEnv = Object.fromEntries(Object.entries(inject('appEnv')).filter(([name]) => name !== 'AUTH_DEV_SIGNIN_IN_PRODUCTION_LETS_ANYONE_SIGN_IN_AS_ANYONE'));
  const databaseUrl = await createDatabaseFromTemplate(inject('postgresServerUrl'), `e2e_dev_${randomBytes(4).toString('hex')}`);
  app = await startAppServer({ ...appEnv, DATABASE_URL: databaseUrl, REDIS_KEY_PREFIX: 'e2e-dev', AUTH_URL: appUrl }, { port, dev: true });
}, 300_000);

afterAll(async () => {
  await app?.stop();
});

describe('development mode (next dev, React StrictMode)', () => {
  it('the task history dialog opens and stays open until Escape, then the focus is back on the card', { timeout: 900_000 }, async () => {
    const context = await browser.newContext();
    context.setDefaultTimeout(FIRST_VISIT_MS);
    const page = await context.newPage();
    await checkTaskHistoryDialog(page, appUrl);
    await context.close();
  });
});
