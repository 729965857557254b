/**
 * Vitest global setup for the end-to-end project: real servers, the built app
 * (`next build`, redone only when sources are newer than the last build) served
 * by `next start` on a free loopback port with the development sign-in on, and
 * a local SMTP server (./smtp-sink.ts) that every mail of the app goes to:
 * sign-in links and invitations. Tests read the mails from `mailDir`.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort } from '../../scripts/lib/ports';
import { startAppServer, type AppServer } from './app-server';
import { createDatabaseFromTemplate, startTestServices } from './services';
import { startSmtpSink } from './smtp-sink';

const ROOT = path.resolve(import.meta.dirname, '../..');
const NEXT = path.join(ROOT, 'node_modules', '.bin', 'next');

function newestMtime(entry: string): number {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(entry).map((name) => newestMtime(path.join(entry, name))));
}

function ensureBuild() {
  const buildId = path.join(ROOT, '.next', 'BUILD_ID');
  const sources = ['src', 'next.config.ts', 'tailwind.config.ts', 'postcss.config.mjs', 'package-lock.json'];
  const newestSource = Math.max(...sources.map((entry) => newestMtime(path.join(ROOT, entry))));
  if (existsSync(buildId) && statSync(buildId).mtimeMs >= newestSource) return;
  console.log('e2e: building the app (next build)…');
  const result = spawnSync(NEXT, ['build'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  if (result.status !== 0) throw new Error('next build failed; see the output above');
}

export default async function setup(project: TestProject) {
  ensureBuild();
  const services = await startTestServices();
  const serverUrl = services.postgres.url('');
  const databaseUrl = await createDatabaseFromTemplate(serverUrl, `e2e_${randomBytes(4).toString('hex')}`);

  const mailDir = mkdtempSync(path.join(tmpdir(), 'streamline-e2e-mail-'));
  const sink = await startSmtpSink({ dir: mailDir });
  const port = await freePort();
  // The server listens on 127.0.0.1, but the app is addressed as localhost: Next.js
  // rewrites a loopback IP in a route handler's request URL to "localhost", so with
  // AUTH_URL=http://127.0.0.1:… next-auth's routes would see another origin than its
  // server actions, and send the browser to localhost after a sign-in link, without
  // the cookies it set for 127.0.0.1 (`npm run dev` prints localhost for the same reason).
  const url = `http://localhost:${port}`;
  const appEnv = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: services.redis.url,
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
    LOG_LEVEL: 'warn',
  };
  let app: AppServer;
  try {
    app = await startAppServer(appEnv, { port });
  } catch (error) {
    await services.stop();
    await sink.stop();
    throw error;
  }
  project.provide('appUrl', url);
  project.provide('appEnv', appEnv);
  project.provide('postgresServerUrl', serverUrl);
  project.provide('redisUrl', services.redis.url);
  project.provide('mailDir', mailDir);
  return async () => {
    await app.stop();
    await services.stop();
    await sink.stop();
    rmSync(mailDir, { recursive: true, force: true });
  };
}
