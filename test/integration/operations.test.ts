/**
 * The operations procedures against the real read side: the status tells
 * lag, pending entries, stalls and workers as they are; dead letters are
 * genuine (the board's table refuses a title, ../support/poison-titles.ts),
 * listed with their error and event, retried (refused with the handler's
 * error while the cause is there, applied in order once it is gone) and
 * skipped.
 */
import { randomUUID } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { env } from '~/env';
import { writeSide } from '~/server/app/context';
import { createAppRuntime, projectorNames } from '~/server/app/projectors';
import { drainsAfterResponsesDone } from '~/server/app/read-your-writes';
import { recordEvents } from '~/server/commands/handler';
import { db } from '~/server/db';
import { logger } from '~/server/logger';
import { organizationDecider } from '~/server/modules/organizations/commands';
import { organizationRenamed } from '~/server/modules/organizations/events';
import { runWorker } from '~/server/projectors/worker';
import { createAppBlockingReads, getRedis, keys } from '~/server/redis';
import { partitionOf } from '~/server/redis/keys';
import { projectorsCaughtUp } from '../support/app-progress';
import { as, closeAppClientsAfterAll } from '../support/callers';
import { eventually } from '../support/log-capture';
import { POISON_ERROR, refusePoisonTitles } from '../support/poison-titles';

closeAppClientsAfterAll();

const operator = as('operator');
const placement = { status: 'todo', after: null, before: null } as const;
const poisonOn = () => refusePoisonTitles((q) => db.execute(sql.raw(q)));

async function errorOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await promise.then(() => null, (e: unknown) => e);
  if (!(error instanceof TRPCError)) throw new Error(`expected a TRPCError, got ${String(error)}`);
  return { code: error.code, message: error.message };
}

/** An organization with a project, settled in every read model. */
async function board() {
  const ada = as('ada');
  const { id: organizationId } = await ada.api.organizations.create({ name: 'Acme', slug: `acme-${randomUUID().slice(0, 8)}` });
  const { id: projectId } = await ada.api.tasks.createProject({ organizationId, name: 'Launch' });
  const titles = async () => (await ada.api.tasks.board({ organizationId, projectId })).tasks.map((t) => t.title);
  return { ada, organizationId, projectId, titles };
}

const lettersOf = async (organizationId: string) => (await operator.api.operations.deadLetters({ limit: 100 })).items.filter((d) => d.organizationId === organizationId);

describe('dead letters through the operations procedures', () => {
  it('lists a parked event with its error and event; retry is refused with the handler’s error until the cause is gone, then applies the aggregate’s events in order', async () => {
    const poison = await poisonOn();
    try {
      const b = await board();
      const task = await b.ada.api.tasks.create({ organizationId: b.organizationId, projectId: b.projectId, title: poison.marker, placement });
      await b.ada.api.tasks.edit({ organizationId: b.organizationId, taskId: task.id, title: 'cured', description: 'after the fix' });
      const letters = await lettersOf(b.organizationId);
      expect(letters).toEqual([
        expect.objectContaining({ projector: 'board', aggregateId: task.id, status: 'failed', error: expect.stringContaining(POISON_ERROR), attempts: 3, raw: null }),
        expect.objectContaining({ projector: 'board', aggregateId: task.id, status: 'blocked', error: null }),
      ]);
      const [failed] = letters;
      expect(failed?.partition).toBe(partitionOf(b.organizationId, env.EVENT_PARTITIONS));
      expect(failed?.event).toMatchObject({ type: 'task.created', aggregateId: task.id, aggregateVersion: 1, organizationId: b.organizationId, data: { title: poison.marker } });
      expect(letters[1]?.event).toMatchObject({ type: 'task.edited', aggregateVersion: 2, data: { title: 'cured' } });
      const counts = (await operator.api.operations.status()).deadLetters;
      expect(counts.failed).toBeGreaterThanOrEqual(1);
      expect(counts.blocked).toBeGreaterThanOrEqual(1);

      const refused = await errorOf(operator.api.operations.retry({ projector: 'board', aggregateId: task.id }));
      expect(refused.code).toBe('CONFLICT');
      expect(refused.message).toBe(`Retry failed at ${failed?.streamId} (task.created): ${POISON_ERROR}`);
      expect(await lettersOf(b.organizationId)).toHaveLength(2);

      await poison.cure();
      await expect(operator.api.operations.retry({ projector: 'board', aggregateId: task.id })).resolves.toEqual({ applied: 2 });
      expect(await b.titles()).toEqual(['cured']);
      expect(await lettersOf(b.organizationId)).toEqual([]);
      expect((await errorOf(operator.api.operations.retry({ projector: 'board', aggregateId: task.id }))).code).toBe('NOT_FOUND');
    } finally {
      await poison.cure();
    }
  });

  it('skip drops one parked event for good; a second skip, or an unknown projector, is NOT_FOUND', async () => {
    const poison = await poisonOn();
    try {
      const b = await board();
      await b.ada.api.tasks.create({ organizationId: b.organizationId, projectId: b.projectId, title: poison.marker, placement });
      const [letter] = await lettersOf(b.organizationId);
      if (!letter) throw new Error('the task was parked');
      const skip = () => operator.api.operations.skip({ projector: letter.projector, partition: letter.partition, streamId: letter.streamId });
      await expect(skip()).resolves.toEqual({ applied: 0 });
      expect(await lettersOf(b.organizationId)).toEqual([]);
      await poison.cure();
      expect(await b.titles()).toEqual([]); // skipped, never applied
      expect(await errorOf(skip())).toMatchObject({ code: 'NOT_FOUND' });
      expect(await errorOf(operator.api.operations.retry({ projector: 'nope', aggregateId: letter.aggregateId }))).toEqual({ code: 'NOT_FOUND', message: 'No projector named "nope".' });
    } finally {
      await poison.cure();
    }
  });

  it('pages through the dead letters, oldest first', async () => {
    const poison = await poisonOn();
    try {
      const b = await board();
      for (const i of [1, 2, 3]) await b.ada.api.tasks.create({ organizationId: b.organizationId, projectId: b.projectId, title: `${poison.marker} ${i}`, placement });
      const all = await operator.api.operations.deadLetters({ limit: 100 });
      const pages = [0, 1, 2].map((offset) => operator.api.operations.deadLetters({ limit: 1, offset }));
      const items = (await Promise.all(pages)).flatMap((page) => {
        expect(page.total).toBe(all.total);
        return page.items;
      });
      expect(items).toEqual(all.items.slice(0, 3));
      expect(all.items.filter((d) => d.organizationId === b.organizationId).map((d) => d.event?.data)).toEqual([1, 2, 3].map((i) => expect.objectContaining({ title: `${poison.marker} ${i}` })));
    } finally {
      await poison.cure();
    }
  });
});

describe('status', () => {
  it('tells lag in events and seconds, entries left pending by a dead consumer, stalls, and the live workers with the partitions they hold', async () => {
    const b = await board();
    await drainsAfterResponsesDone();
    await projectorsCaughtUp();
    const partition = partitionOf(b.organizationId, env.EVENT_PARTITIONS);
    const rows = async () => (await operator.api.operations.status()).projectors.filter((p) => p.partition === partition);
    const before = await rows();
    expect(before.map((r) => r.projector)).toEqual(projectorNames);
    expect(before.every((r) => r.lag === 0 && r.pending === 0 && r.waitingMs === 0 && !r.stalled)).toBe(true);

    // Three events nobody drains: every projector of the partition lags by three, from its checkpoint on.
    await recordEvents(writeSide(), {
      decider: organizationDecider,
      organizationId: b.organizationId,
      aggregateId: b.organizationId,
      actorId: b.ada.session.user.id,
      events: [1, 2, 3].map((i) => organizationRenamed.create({ name: `Acme ${i}` })),
    });
    const lagging = await rows();
    expect(lagging.map((r) => [r.projector, r.lag, r.pending, r.position])).toEqual(before.map((r) => [r.projector, 3, 0, r.position]));
    // A consumer of the board that read two of them and died: two pending, one left to read.
    await getRedis().xReadGroup('board', 'dead-consumer', { key: keys.stream(partition), id: '>' }, { COUNT: 2 });
    expect((await rows()).find((r) => r.projector === 'board')).toMatchObject({ lag: 1, pending: 2 });
    // Nobody catches up: past PROJECTOR_STALL_MS (1 s here) every projector of the partition is stalled.
    await eventually(async () => (await rows()).every((r) => r.stalled), 10_000, 'stalled');
    const stalled = await operator.api.operations.status();
    expect(stalled.ok).toBe(false);
    expect(stalled.projectors.find((r) => r.partition === partition)?.waitingMs).toBeGreaterThan(env.PROJECTOR_STALL_MS);

    // A worker takes the partitions over, claims the dead consumer's entries and catches up.
    const workerId = `ops-worker-${randomUUID().slice(0, 6)}`;
    const blocking = createAppBlockingReads(workerId);
    const stop = new AbortController();
    const running = runWorker({
      runtime: createAppRuntime(workerId, { leaseMs: env.WORKER_LEASE_MS }),
      redis: getRedis(),
      blocking,
      keys,
      partitions: env.EVENT_PARTITIONS,
      workerId,
      projectorNames,
      logger,
      signal: stop.signal,
      heartbeatMs: 300,
      blockMs: 500,
    });
    try {
      await eventually(async () => (await rows()).every((r) => r.lag === 0 && r.pending === 0 && !r.stalled), 20_000, 'caught up');
      const status = await operator.api.operations.status();
      expect(status.workers.find((w) => w.id === workerId)?.partitions).toContain(partition);
      expect(status.partitions[partition]).toMatchObject({ partition, holder: workerId, leaseExpiresInMs: expect.any(Number) });
      expect(status.partitions[partition]?.lastId).toBe(status.projectors.find((r) => r.partition === partition && r.projector === 'board')?.position);
    } finally {
      stop.abort();
      blocking.close();
      await running;
    }
    // A stopped worker hands its partitions over and leaves the list at once.
    const after = await operator.api.operations.status();
    expect(after.workers.map((w) => w.id)).not.toContain(workerId);
    expect(after.partitions[partition]?.holder).toBeNull();
  });
});
