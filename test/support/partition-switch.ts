/**
 * For the partition-switch tests: running `npm run partitions -- switch` as
 * an operator does (to completion, or killable), organizations built through
 * the API under the current count, a caller from a process that still runs
 * with another count, and what must not change across a switch.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { env } from '~/env';
import { createContextInner, writeSide } from '~/server/app/context';
import { projectors } from '~/server/app/projectors';
import { createCaller } from '~/server/app/router';
import { getRedis, keys } from '~/server/redis';
import { MAX_PARTITIONS, partitionOf } from '~/server/redis/keys';
import { tablesSnapshot } from './app-events';
import { as } from './callers';
import { boardWithTasks, column, slug, type Status, type User } from './fixtures';
import { runScript, type ScriptRun } from './run-script';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** `npm run partitions -- switch <args>` to its end. */
export function runSwitch(args: ReadonlyArray<string>, extraEnv: Record<string, string> = {}): Promise<ScriptRun> {
  return runScript('scripts/partitions.ts', ['switch', ...args], { ...process.env, LOG_LEVEL: 'silent', ...extraEnv });
}

/** The same, as one process (the loader in-process, so SIGKILL hits the switch itself), with its output so far. */
export function startSwitch(args: ReadonlyArray<string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/partitions.ts', 'switch', ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    output: () => output,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** A caller in a process that still runs with `partitions` (this process's write side, another count). */
export function callerWithPartitions(user: User, partitions: number) {
  return createCaller({ ...createContextInner({ session: user.session }), writeSide: { ...writeSide(), partitions } });
}

export interface Org {
  organizationId: string;
  projectId: string;
  slug: string;
  owner: User;
  member: User;
  taskIds: [string, string];
  /** A task created with this key: its stored result answers a retry. */
  idempotencyKey: string;
  idempotentTaskId: string;
}

/** An organization with a member, a board with two tasks, and a task created with an idempotency key (its stored result). */
export async function organizationWithBoard(): Promise<Org> {
  const member = as('member', { uniqueEmail: true });
  const organizationSlug = slug('org');
  const board = await boardWithTasks({ slug: organizationSlug, members: [member], tasks: ['First', 'Second'] });
  const org = { ...board, slug: organizationSlug, member, idempotencyKey: randomUUID(), idempotentTaskId: '' };
  const { id } = await addTask(org, 'Once', org.idempotencyKey);
  return { ...org, idempotentTaskId: id };
}

/**
 * The same organization seen from a process started now: callers read the
 * partition count when they are made, so after a switch (and `env` changed,
 * as a redeploy would) the users get new ones.
 */
export function redeployed(org: Org): Org {
  return { ...org, owner: redeployedUser(org.owner), member: redeployedUser(org.member) };
}

export function redeployedUser(user: User): User {
  return { ...user, api: createCaller(createContextInner({ session: user.session })) };
}

export const addTask = (org: Pick<Org, 'organizationId' | 'projectId' | 'owner'>, title: string, idempotencyKey?: string) =>
  org.owner.api.tasks.create({ organizationId: org.organizationId, projectId: org.projectId, title, placement: column('todo'), idempotencyKey });
export const moveTask = (org: Org, taskId: string, status: Status) => org.owner.api.tasks.move({ organizationId: org.organizationId, taskId, placement: column(status) });
export const boardOf = async (org: Org) => (await org.owner.api.tasks.board({ organizationId: org.organizationId, projectId: org.projectId })).tasks;

/** What Redis holds of an organization's aggregates (version and state), read straight from its partition under the current count. */
export async function writeSideOf(org: Org): Promise<Array<{ version: string | null; state: string | null }>> {
  const partition = partitionOf(org.organizationId, env.EVENT_PARTITIONS);
  const ids = [org.organizationId, org.projectId, ...org.taskIds, org.idempotentTaskId];
  const values = await getRedis().mGet(ids.flatMap((id) => [keys.version(partition, id), keys.state(partition, id)]));
  return ids.map((_, i) => ({ version: values[i * 2] ?? null, state: values[i * 2 + 1] ?? null }));
}

/** Every row of every read model's tables. */
export function readModels() {
  return tablesSnapshot(projectors.flatMap((p) => p.tables));
}

/** Entries in each partition stream of the largest layout. */
export async function streamLengths(): Promise<number[]> {
  return Promise.all(Array.from({ length: 8 }, (_, p) => getRedis().xLen(keys.stream(p))));
}

/** The layout value of a few partition keys, the first and last of them included. */
export async function partitionLayoutValues(): Promise<Array<string | null>> {
  return getRedis().mGet([0, 1, env.EVENT_PARTITIONS, MAX_PARTITIONS - 1].map((p) => keys.layout(p)));
}
