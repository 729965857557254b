/** Vitest global setup: starts the real servers once per run, stops them after. */
import type { TestProject } from 'vitest/node';
import { startTestServices } from './services';

export default async function setup(project: TestProject) {
  const services = await startTestServices();
  project.provide('postgresServerUrl', services.postgres.url(''));
  project.provide('redisUrl', services.redis.url);
  return () => services.stop();
}
