/**
 * The write side stands alone: commands decide from each aggregate's own
 * state and version, kept beside each other by the event store, so a read
 * model that lags, is emptied, ignores an event or parks one never blocks
 * a command.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { catalogue as appCatalogue } from '~/server/app/catalogue';
import { writeSide } from '~/server/app/context';
import { projectors } from '~/server/app/projectors';
import { drainsAfterResponsesDone } from '~/server/app/read-your-writes';
import { handleCommand, loadState } from '~/server/commands/handler';
import { db } from '~/server/db';
import { deadLetters } from '~/server/db/event-core-schema';
import { createCatalogue } from '~/server/events/catalogue';
import { defineDecider, type DecidedEvent } from '~/server/events/decider';
import { defineEvent } from '~/server/events/define-event';
import { logger } from '~/server/logger';
import { listDeadLetters, retryDeadLetters } from '~/server/projectors/dead-letters';
import { createProjectorRuntime } from '~/server/projectors/runtime';
import { getRedis, keys } from '~/server/redis';
import { env } from '~/env';
import { taskDecider, type TaskCommand, type TaskState } from '~/server/modules/tasks/commands';
import { taskEvents } from '~/server/modules/tasks/events';
import { boardProjector } from '~/server/modules/tasks/read-models/board';
import { as, closeAppClientsAfterAll } from '../support/callers';
import { boardWithTasks, column } from '../support/fixtures';

closeAppClientsAfterAll();

const board = () => boardWithTasks({ owner: as('ada') });

describe('write-side state', () => {
  it('is stored beside the version by the append, and a command decides from it alone: an emptied read side blocks nothing', async () => {
    const b = await board();
    const task = await b.add('Ship');
    await expect(loadState(writeSide(), taskDecider, b.organizationId, task.id)).resolves.toEqual({
      version: 1,
      state: { projectId: b.projectId, title: 'Ship', description: '', status: 'todo', rank: expect.any(String), assigneeId: null, archived: false, labels: [] },
    });

    // Every read-model row of the organization gone: membership, organization, project, task.
    await db.execute(sql`delete from memberships where organization_id = ${b.organizationId}`);
    await db.execute(sql`delete from organizations where id = ${b.organizationId}`);
    await db.execute(sql`delete from projects where organization_id = ${b.organizationId}`);
    await db.execute(sql`delete from tasks where organization_id = ${b.organizationId}`);

    const ids = { organizationId: b.organizationId, taskId: task.id };
    await expect(b.owner.api.tasks.move({ ...ids, placement: column('done') })).resolves.toMatchObject({ changed: true });
    await expect(b.owner.api.tasks.edit({ ...ids, title: 'Ship it', description: 'today' })).resolves.toMatchObject({ changed: true });
    await expect(b.owner.api.tasks.assign({ ...ids, assigneeId: b.owner.session.user.id })).resolves.toMatchObject({ changed: true });
    await expect(b.owner.api.organizations.rename({ organizationId: b.organizationId, name: 'Acme Inc' })).resolves.toMatchObject({ changed: true });
    await expect(b.owner.api.tasks.create({ organizationId: b.organizationId, projectId: b.projectId, title: 'Next', placement: column('todo') })).resolves.toMatchObject({
      changed: true,
    });
    await expect(loadState(writeSide(), taskDecider, b.organizationId, task.id)).resolves.toMatchObject({
      version: 4,
      state: { status: 'done', title: 'Ship it', description: 'today', assigneeId: b.owner.session.user.id },
    });
  });

  it('an event added to the task aggregate that no read model handles leaves every later command on that task working', async () => {
    // What a developer extending the product does: a new event on the task aggregate, folded by
    // the task decider, read by no projector (the board, feed and dashboard do not list it).
    const taskExampleOnly = defineEvent({
      type: 'task.example-only',
      version: 1,
      description: 'Emitted when a member marks a task for review (an event of this test only).',
      example: { reason: 'Needs a second look' },
      data: z.object({ reason: z.string().max(200) }),
    });
    const extendedEvents = [...taskEvents, taskExampleOnly] as const;
    type Extended = TaskState & { markedFor?: string };
    const extendedTasks = defineDecider({
      name: taskDecider.name,
      events: extendedEvents,
      state: taskDecider.state,
      initialState: taskDecider.initialState,
      evolve: (state: Extended | null, event: DecidedEvent<typeof extendedEvents>): Extended | null =>
        event.type === 'task.example-only' ? (state && { ...state, markedFor: event.data.reason }) : taskDecider.evolve(state, event),
      decide: (command: TaskCommand | { type: 'mark-for-test'; reason: string }, state: TaskState | null, context) =>
        command.type === 'mark-for-test' ? [taskExampleOnly.create({ reason: command.reason })] : taskDecider.decide(command, state, context),
    });
    const catalogue = createCatalogue([...appCatalogue.definitions, taskExampleOnly]);
    const runtime = createProjectorRuntime({ db, redis: getRedis(), keys, catalogue, projectors, partitions: env.EVENT_PARTITIONS, workerId: `ext-${randomUUID().slice(0, 6)}`, logger });

    const b = await board();
    const { id: taskId } = await b.add('Write docs');
    // The app's own drains do not know task.example-only (it exists only in this test): let them finish before it is appended.
    await drainsAfterResponsesDone();
    const actor = { userId: b.owner.session.user.id, email: b.owner.session.user.email };
    await expect(
      handleCommand(writeSide(), { decider: extendedTasks, organizationId: b.organizationId, aggregateId: taskId, actor, command: { type: 'mark-for-test', reason: 'blocked' } }),
    ).resolves.toMatchObject({ changed: true });
    await runtime.drain({ maxMs: 10_000, maxEvents: 10_000, releaseLeases: true });

    // Later commands on the task, through the app's own procedures, all land at the versions after it.
    const ids = { organizationId: b.organizationId, taskId };
    await expect(b.owner.api.tasks.edit({ ...ids, title: 'Write the docs', description: '' })).resolves.toMatchObject({ changed: true, settled: true });
    await expect(b.owner.api.tasks.move({ ...ids, placement: column('doing') })).resolves.toMatchObject({ changed: true, settled: true });
    await expect(loadState(writeSide(), taskDecider, b.organizationId, taskId)).resolves.toMatchObject({ version: 4, state: { title: 'Write the docs', status: 'doing' } });
    expect(await b.view()).toEqual([expect.objectContaining({ id: taskId, title: 'Write the docs', status: 'doing' })]);
    expect(await db.select().from(deadLetters)).toEqual([]);
    await runtime.releaseAll();
  });

  it('a read model that parks a task’s event does not freeze the task: commands go on, and a retry after the fix brings the board up to date, in order', async () => {
    // A real failure in the real board projector: Postgres refuses one title.
    await db.execute(sql`create or replace function refuse_poison() returns trigger language plpgsql as $$
      begin if new.title = 'poison' then raise exception 'poison title'; end if; return new; end $$`);
    await db.execute(sql`create trigger refuse_poison before insert or update on tasks for each row execute function refuse_poison()`);
    try {
      const b = await board();
      const created = await b.add('poison');
      expect(created.settled).toBe(false); // the board parked it; the command itself succeeded
      const parked = await db.select().from(deadLetters).where(and(eq(deadLetters.projector, boardProjector.name), eq(deadLetters.aggregateId, created.id)));
      expect(parked.map((d) => d.status)).toEqual(['failed']);

      const ids = { organizationId: b.organizationId, taskId: created.id };
      await expect(b.owner.api.tasks.edit({ ...ids, title: 'cured', description: 'fixed' })).resolves.toMatchObject({ changed: true });
      await expect(b.owner.api.tasks.move({ ...ids, placement: column('done') })).resolves.toMatchObject({ changed: true });
      await expect(loadState(writeSide(), taskDecider, b.organizationId, created.id)).resolves.toMatchObject({ version: 3, state: { title: 'cured', status: 'done' } });
      expect(await b.view()).toEqual([]); // the board holds the task back, behind its parked event

      await db.execute(sql`drop trigger refuse_poison on tasks`);
      await expect(retryDeadLetters({ db, catalogue: appCatalogue, projector: boardProjector }, created.id)).resolves.toMatchObject({ applied: 3 });
      expect(await b.view()).toEqual([expect.objectContaining({ id: created.id, title: 'cured', description: 'fixed', status: 'done' })]);
      expect(await listDeadLetters(db, boardProjector.name)).toEqual([]);
    } finally {
      await db.execute(sql`drop trigger if exists refuse_poison on tasks`);
    }
  });
});
