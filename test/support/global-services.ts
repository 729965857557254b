/**
 * Vitest global setup: starts the real servers once per run, stops them after.
 * The cluster project runs the same suites against a three-master Redis Cluster.
 */
import type { TestProject } from 'vitest/node';
import { startTestServices } from './services';

export default async function setup(project: TestProject) {
  const cluster = project.name.startsWith('cluster');
  const services = await startTestServices({ cluster });
  project.provide('postgresServerUrl', services.postgres.url(''));
  project.provide('redisUrl', services.redisUrl);
  project.provide('redisCluster', cluster);
  return () => services.stop();
}
