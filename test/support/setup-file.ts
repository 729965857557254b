/**
 * Runs before each integration test file: gives the file its own database
 * (a copy of the migrated template) and its own Redis key prefix, and points
 * the app's environment at them, so files never see each other's data.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { createDatabaseFromTemplate } from './services';

const id = randomBytes(5).toString('hex');
const database = `t_${id}`;
const serverUrl = inject('postgresServerUrl');

const databaseUrl = await createDatabaseFromTemplate(serverUrl, database);

Object.assign(process.env, {
  NODE_ENV: 'test',
  DATABASE_URL: databaseUrl,
  REDIS_URL: inject('redisUrl'),
  // The cluster project: REDIS_URL is one node of a three-master Redis Cluster.
  REDIS_CLUSTER: inject('redisCluster') ? 'true' : 'false',
  REDIS_KEY_PREFIX: `t:${id}`,
  AUTH_SECRET: randomBytes(32).toString('base64url'),
  HEALTH_TOKEN: randomBytes(16).toString('hex'),
  METRICS_TOKEN: `metrics-${id}-token-value`,
  AUTH_DEV_SIGNIN: 'true',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
  // Short enough that liveness tests see a stall quickly.
  PROJECTOR_STALL_MS: '1000',
  // Short leases, so a worker started after a killed one takes over within seconds.
  WORKER_LEASE_MS: '6000',
  CRON_SECRET: `cron-${id}-secret-value`,
  // Operators: whoever signs in as operator@example.com (`as('operator')` in ./callers.ts), and the
  // owners of an organization with this id, which a test creates with that id when it needs it.
  OPERATORS: 'operator@example.com',
  OPERATOR_ORGANIZATION_ID: randomUUID(),
});
