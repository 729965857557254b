/**
 * G7 through the app's own commands: while the board projector fails on every
 * task of organization A (Postgres refuses their titles), every command of
 * organization B, on the same partition, settles: its read-your-writes wait
 * sees B's own write in the board before the command answers, as in the
 * clean blocks, and B's board holds all of them. A's parked tasks still accept
 * commands, and retrying A's dead letters after the fix brings A's board up to
 * date, in order. A real worker process runs the app's projectors. (How fast,
 * poison or not, is for `npm run bench`; test/integration/poison-isolation.test.ts
 * counts the batches B waits for.)
 */
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogue } from '~/server/app/catalogue';
import { writeSide } from '~/server/app/context';
import { db } from '~/server/db';
import { deadLetters } from '~/server/db/event-core-schema';
import { readAggregates } from '~/server/events/write-state';
import { retryDeadLetters } from '~/server/projectors/dead-letters';
import { boardProjector } from '~/server/modules/tasks/read-models/board';
import { partitionOf } from '~/server/redis/keys';
import { env } from '~/env';
import { as, closeAppClientsAfterAll } from '../support/callers';
import { eventually } from '../support/log-capture';
import { startWorkerProcess, stopGracefully, type WorkerProcess } from '../support/processes';

closeAppClientsAfterAll();

/** Blocks of rounds alternate clean and poisoned. */
const BLOCKS: ReadonlyArray<boolean> = [false, true, true, false, false, true, true, false];
const ROUNDS = 6;
const todo = { status: 'todo', after: null, before: null } as const;

let worker: WorkerProcess;
beforeAll(async () => {
  await db.execute(sql`create or replace function refuse_poison() returns trigger language plpgsql as $$
    begin if new.title like 'poison%' then raise exception 'poison title'; end if; return new; end $$`);
  await db.execute(sql`create trigger refuse_poison before insert or update on tasks for each row execute function refuse_poison()`);
  worker = startWorkerProcess('scripts/worker.ts', { ...process.env, LOG_LEVEL: 'warn' });
});
afterAll(async () => {
  await stopGracefully(worker);
  await db.execute(sql`drop trigger if exists refuse_poison on tasks`);
});

/** Two slugs whose organizations land in one partition (an organization's id is drawn into its slug's partition). */
function slugsSharingAPartition(): [string, string] {
  const a = `alpha-${randomUUID().slice(0, 8)}`;
  const partition = partitionOf(`slug:${a}`, env.EVENT_PARTITIONS);
  for (;;) {
    const b = `beta-${randomUUID().slice(0, 8)}`;
    if (partitionOf(`slug:${b}`, env.EVENT_PARTITIONS) === partition) return [a, b];
  }
}

describe('G7 one tenant’s poison never slows another, through the app’s commands', () => {
  it('every command of B on A’s poisoned partition settles with B’s own write in the board; A’s parked tasks accept commands; a retry after the fix completes A’s board in order', { timeout: 120_000 }, async () => {
    const [slugA, slugB] = slugsSharingAPartition();
    const alice = as('alice');
    const bob = as('bob');
    const orgA = (await alice.api.organizations.create({ name: 'A', slug: slugA })).id;
    const orgB = (await bob.api.organizations.create({ name: 'B', slug: slugB })).id;
    expect(partitionOf(orgA, env.EVENT_PARTITIONS)).toBe(partitionOf(orgB, env.EVENT_PARTITIONS));
    const projectA = (await alice.api.tasks.createProject({ organizationId: orgA, name: 'A board' })).id;
    const projectB = (await bob.api.tasks.createProject({ organizationId: orgB, name: 'B board' })).id;
    await eventually(async () => {
      const { leaseHolder } = await readAggregates(writeSide(), orgB, []);
      return leaseHolder !== null && !leaseHolder.startsWith('inline-');
    }, 30_000, 'the worker holding the partition');

    const bTitles: string[] = [];
    const poisonedA: string[] = [];
    for (const [block, poisoned] of BLOCKS.entries()) {
      const aCommands: Array<Promise<{ id: string; changed: boolean }>> = [];
      for (let round = 0; round < ROUNDS; round++) {
        // A's command runs alongside (its own wait for the board runs out when poisoned); B's must settle.
        aCommands.push(alice.api.tasks.create({ organizationId: orgA, projectId: projectA, title: `${poisoned ? 'poison' : 'fine'} ${block}.${round}`, placement: todo }));
        const title = `B ${block}.${round}`;
        const result = await bob.api.tasks.create({ organizationId: orgB, projectId: projectB, title, placement: todo });
        expect(result, `B's ${title} settled`).toMatchObject({ changed: true, settled: true });
        bTitles.push(title);
      }
      const created = await Promise.all(aCommands);
      expect(created.every((c) => c.changed)).toBe(true);
      if (poisoned) poisonedA.push(...created.map((c) => c.id));
    }

    // B sees every one of its writes.
    const bBoard = await bob.api.tasks.board({ organizationId: orgB, projectId: projectB });
    expect(bBoard.tasks.map((t) => t.title).sort()).toEqual([...bTitles].sort());

    // A's poisoned tasks are parked in the board, yet they accept commands.
    const parked = await db.select().from(deadLetters).where(and(eq(deadLetters.projector, boardProjector.name), eq(deadLetters.organizationId, orgA)));
    expect(new Set(parked.map((d) => d.aggregateId))).toEqual(new Set(poisonedA));
    const first = poisonedA[0] ?? '';
    await expect(alice.api.tasks.edit({ organizationId: orgA, taskId: first, title: 'cured', description: 'after the fix' })).resolves.toMatchObject({ changed: true });
    await expect(alice.api.tasks.move({ organizationId: orgA, taskId: first, placement: { status: 'done', after: null, before: null } })).resolves.toMatchObject({ changed: true });

    // The fix, then a retry of every parked task: A's board holds them all, each with its events applied in order.
    await db.execute(sql`drop trigger refuse_poison on tasks`);
    await eventually(async () => (await db.select().from(deadLetters).where(eq(deadLetters.aggregateId, first))).length === 3, 15_000, 'the edit and move parked behind');
    for (const taskId of poisonedA) await retryDeadLetters({ db, catalogue, projector: boardProjector }, taskId);
    const aBoard = await alice.api.tasks.board({ organizationId: orgA, projectId: projectA });
    expect(aBoard.tasks).toHaveLength(BLOCKS.length * ROUNDS);
    expect(aBoard.tasks.find((t) => t.id === first)).toMatchObject({ title: 'cured', description: 'after the fix', status: 'done' });
    expect(await db.select().from(deadLetters).where(eq(deadLetters.organizationId, orgA))).toEqual([]);
  });
});
