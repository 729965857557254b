/**
 * Runs before each integration test file: gives the file its own database
 * (a copy of the migrated template) and its own Redis key prefix, and points
 * the app's environment at them, so files never see each other's data.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { inject } from 'vitest';
import { TEMPLATE_DATABASE } from './services';

const id = randomBytes(5).toString('hex');
const database = `t_${id}`;
const serverUrl = inject('postgresServerUrl');

const admin = postgres(`${serverUrl}postgres`, { max: 1, onnotice: () => undefined });
try {
  await admin.unsafe(`create database "${database}" template "${TEMPLATE_DATABASE}"`);
} finally {
  await admin.end();
}

Object.assign(process.env, {
  NODE_ENV: 'test',
  DATABASE_URL: `${serverUrl}${database}`,
  REDIS_URL: inject('redisUrl'),
  REDIS_KEY_PREFIX: `t:${id}`,
  AUTH_SECRET: randomBytes(32).toString('base64url'),
  HEALTH_TOKEN: randomBytes(16).toString('hex'),
  AUTH_DEV_SIGNIN: 'true',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
  // Short enough that liveness tests see a stall quickly.
  PROJECTOR_STALL_MS: '1000',
  CRON_SECRET: `cron-${id}-secret-value`,
});
