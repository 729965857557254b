/**
 * Vitest global setup for the end-to-end project: real servers, the built app
 * (`next build`, redone only when sources are newer than the last build) served
 * by `next start` on a free loopback port with the development sign-in on.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort } from '../../scripts/lib/ports';
import { startAppServer, type AppServer } from './app-server';
import { createDatabaseFromTemplate, startTestServices } from './services';

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

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const appEnv = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: services.redis.url,
    REDIS_KEY_PREFIX: 'e2e',
    AUTH_SECRET: randomBytes(32).toString('base64url'),
    AUTH_URL: url,
    AUTH_TRUST_HOST: 'true',
    AUTH_DEV_SIGNIN: 'true',
    LOG_LEVEL: 'warn',
  };
  let app: AppServer;
  try {
    app = await startAppServer(appEnv, { port });
  } catch (error) {
    await services.stop();
    throw error;
  }
  project.provide('appUrl', url);
  project.provide('appEnv', appEnv);
  project.provide('postgresServerUrl', serverUrl);
  return async () => {
    await app.stop();
    await services.stop();
  };
}
