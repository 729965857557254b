/**
 * Vitest global setup for the end-to-end project: real servers, the built app
 * (`next build`, redone only when sources are newer than the last build) served
 * by `next start` on a free loopback port with the development sign-in on, and
 * a local SMTP server (./smtp-sink.ts) that every mail of the app goes to:
 * sign-in links and invitations. Tests read the mails from `mailDir`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startAppServer } from '../../scripts/lib/app-server';
import { ensureNextBuild } from '../../scripts/lib/next-build';
import { freePort } from '../../scripts/lib/ports';
import { createDatabaseFromTemplate, startTestServices, type TestServices } from './services';
import { startSmtpSink } from './smtp-sink';

export default async function setup(project: TestProject) {
  ensureNextBuild({ distDir: '.next', label: 'e2e' });
  const services = await startTestServices();
  // Whatever fails below stops what was started before it: no redis-server or PostgreSQL is left running.
  const started: Array<() => Promise<unknown>> = [services.stop];
  const stopAll = async () => {
    for (const stop of [...started].reverse()) await stop().catch(() => undefined);
  };
  try {
    return await startTheRest(project, services, started, stopAll);
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function startTheRest(project: TestProject, services: TestServices, started: Array<() => Promise<unknown>>, stopAll: () => Promise<void>) {
  const serverUrl = services.postgres.url('');
  const databaseUrl = await createDatabaseFromTemplate(serverUrl, `e2e_${randomBytes(4).toString('hex')}`);

  const mailDir = mkdtempSync(path.join(tmpdir(), 'streamline-e2e-mail-'));
  started.push(async () => rmSync(mailDir, { recursive: true, force: true }));
  const sink = await startSmtpSink({ dir: mailDir });
  started.push(sink.stop);
  const port = await freePort();
  // The server listens on 127.0.0.1, but the app is addressed as localhost: Next.js
  // rewrites a loopback IP in a route handler's request URL to "localhost", so with
  // AUTH_URL=http://127.0.0.1:… next-auth's routes would see another origin than its
  // server actions, and send the browser to localhost after a sign-in link, without
  // the cookies it set for 127.0.0.1 (`npm run dev` prints localhost for the same reason).
  const url = `http://localhost:${port}`;
  const appEnv = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: services.redisUrl,
    REDIS_KEY_PREFIX: 'e2e',
    AUTH_SECRET: randomBytes(32).toString('base64url'),
    AUTH_URL: url,
    AUTH_TRUST_HOST: 'true',
    AUTH_DEV_SIGNIN: 'true',
    // `next start` runs with NODE_ENV=production, where the environment refuses the
    // development sign-in. The tests need it, so the harness says so with the loud
    // variable, rather than the rule exempting a loopback AUTH_URL: an AUTH_URL is
    // only what the app was told, not who can reach it (a server on 0.0.0.0 behind
    // a proxy with AUTH_URL=http://localhost:3000 copied from a .env is public).
    AUTH_DEV_SIGNIN_IN_PRODUCTION_LETS_ANYONE_SIGN_IN_AS_ANYONE: 'true',
    EMAIL_SERVER: sink.url,
    EMAIL_FROM: 'Streamline <no-reply@streamline.test>',
    // Who may open /operations (test/e2e/operations.test.ts signs in as them).
    OPERATORS: 'operator@example.com',
    LOG_LEVEL: 'warn',
  };
  const app = await startAppServer(appEnv, { port });
  started.push(app.stop);
  project.provide('appUrl', url);
  project.provide('appEnv', appEnv);
  project.provide('postgresServerUrl', serverUrl);
  project.provide('redisUrl', services.redisUrl);
  project.provide('redisCluster', false);
  project.provide('mailDir', mailDir);
  return stopAll;
}
