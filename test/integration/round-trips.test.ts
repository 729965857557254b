/**
 * What one command costs the request that runs it: the Redis commands the web
 * process sends (seen by the server itself, through MONITOR, on a Redis of
 * this file's own) and the Postgres statements it sends (the db client's
 * counter), for one `tasks.move` while a worker runs the projectors.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRedis, type LocalRedis } from '../../scripts/lib/local-redis';
import { startWorkerProcess, stopGracefully, type WorkerProcess } from '../support/processes';
import { eventually } from '../support/log-capture';
import { singleServer } from '../support/redis-node';

const dir = mkdtempSync(path.join(tmpdir(), 'streamline-round-trips-'));
let server: LocalRedis;
let worker: WorkerProcess;

beforeAll(async () => {
  // A Redis of this file's own, set before the app is imported: only this file's processes talk to it.
  server = await startLocalRedis({ dir });
  process.env.REDIS_URL = server.url;
  worker = startWorkerProcess('scripts/worker.ts', { ...process.env, LOG_LEVEL: 'warn' });
});

afterAll(async () => {
  await stopGracefully(worker);
  const { closeNoticeHub } = await import('~/server/realtime');
  const { getRedis } = await import('~/server/redis');
  const { db } = await import('~/server/db');
  closeNoticeHub();
  getRedis().destroy();
  await db.$client.end({ timeout: 5 });
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Lines MONITOR printed, each with the address of the client that sent the command. */
function parseMonitorLine(line: string): { addr: string; command: string } | null {
  const match = /^\d+\.\d+ \[\d+ ([^\]]+)\] "([^"]+)"/.exec(line);
  return match?.[1] && match[2] ? { addr: match[1], command: match[2].toUpperCase() } : null;
}

describe('round trips of one command', () => {
  it('tasks.move with a worker running: at most 10 Redis commands and Postgres statements in all', { timeout: 90_000 }, async () => {
    const { as } = await import('../support/callers');
    const { boardWithTasks } = await import('../support/fixtures');
    const { getRedis, createRedis } = await import('~/server/redis');
    const { statementCount } = await import('~/server/db/client');
    const { logger } = await import('~/server/logger');
    const ada = as('ada');
    const { organizationId, taskIds } = await boardWithTasks({ owner: ada, tasks: ['Ship'] });
    const [taskId] = taskIds;
    const move = (status: 'todo' | 'doing' | 'done') => ada.api.tasks.move({ organizationId, taskId, placement: { status, after: null, before: null } });
    // The worker holds the organization's partition and has caught up: a move settles through its notices.
    const { readAggregates } = await import('~/server/events/write-state');
    const { writeSide } = await import('~/server/app/context');
    const workerHolds = async () => {
      const { leaseHolder } = await readAggregates(writeSide(), organizationId, []);
      return leaseHolder !== null && !leaseHolder.startsWith('inline-');
    };
    await eventually(workerHolds, 30_000, 'the worker holding the partition');
    await eventually(async () => (await move('doing')).settled && (await move('todo')).settled, 30_000, 'moves settled by the worker');

    const ours = new Set<string>();
    const clientInfo = String(await singleServer(getRedis()).sendCommand(['CLIENT', 'INFO']));
    const commandAddr = /addr=(\S+)/.exec(clientInfo)?.[1];
    if (!commandAddr) throw new Error(`no addr in CLIENT INFO: ${clientInfo}`);
    ours.add(commandAddr);
    // The notice reader's connection: only web processes have one (the worker has none).
    const list = String(await singleServer(getRedis()).sendCommand(['CLIENT', 'LIST']));
    for (const line of list.split('\n')) if (line.includes('name=streamline:notices')) ours.add(/addr=(\S+)/.exec(line)?.[1] ?? '');

    const monitor = singleServer(createRedis({ url: server.url, logger, name: 'test:monitor' }));
    await monitor.connect();
    const seen: Array<{ addr: string; command: string }> = [];
    const marker = `end-${randomUUID()}`;
    let ended = false;
    await monitor.monitor((line) => {
      if (line.includes(marker)) ended = true;
      const parsed = ended ? null : parseMonitorLine(line);
      if (parsed && ours.has(parsed.addr)) seen.push(parsed);
    });

    const statementsBefore = statementCount();
    const result = await move('done');
    const statements = statementCount() - statementsBefore;
    await singleServer(getRedis()).sendCommand(['ECHO', marker]);
    await eventually(() => ended, 5_000, 'the end marker in MONITOR');
    monitor.destroy();

    const redisCommands = seen.length;
    console.info(`tasks.move: ${redisCommands} Redis commands (${seen.map((s) => s.command).join(', ')}), ${statements} Postgres statements`);
    expect(result).toMatchObject({ changed: true, settled: true });
    expect(redisCommands).toBeGreaterThanOrEqual(3); // load, append and the wait at least: the count is real
    expect(redisCommands + statements).toBeLessThanOrEqual(10);
  });
});
