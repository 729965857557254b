import { describe, expect, it } from 'vitest';
import { writeSide } from '~/server/app/context';
import { loadState } from '~/server/commands/handler';
import { taskDecider } from '~/server/modules/tasks/commands';
import { as, closeAppClientsAfterAll } from '../support/callers';
import { boardWithTasks } from '../support/fixtures';

closeAppClientsAfterAll();

const board = () => boardWithTasks({ owner: as('ada') });

describe('task board', () => {
  it('creates tasks in columns, ordered by rank; the creator sees them right away', async () => {
    const b = await board();
    await b.add('B');
    const [bTask] = await b.view();
    await b.add('A', { status: 'todo', after: null, before: bTask?.rank ?? null }); // before B
    await b.add('C', { status: 'todo', after: bTask?.rank ?? null, before: null }); // after B
    await b.add('Deploy', 'doing');
    const tasks = await b.view();
    expect(tasks.map((t) => [t.status, t.title])).toEqual([['doing', 'Deploy'], ['todo', 'A'], ['todo', 'B'], ['todo', 'C']]);
  });

  it('moves, edits, assigns, archives and restores through events', async () => {
    const b = await board();
    const created = await b.add('Write docs');
    const taskId = created.id;
    await b.move(taskId, 'done');
    await b.owner.api.tasks.edit({ organizationId: b.organizationId, taskId, title: 'Write the docs', description: 'All of them' });
    await b.owner.api.tasks.assign({ organizationId: b.organizationId, taskId, assigneeId: b.owner.session.user.id });
    expect(await b.view()).toEqual([
      expect.objectContaining({ id: taskId, status: 'done', title: 'Write the docs', description: 'All of them', assigneeId: b.owner.session.user.id }),
    ]);
    // The write side agrees, at the version of its fourth event.
    await expect(loadState(writeSide(), taskDecider, b.organizationId, taskId)).resolves.toEqual({
      version: 4,
      state: expect.objectContaining({ status: 'done', title: 'Write the docs', assigneeId: b.owner.session.user.id, archived: false }),
    });
    await b.owner.api.tasks.archive({ organizationId: b.organizationId, taskId });
    expect(await b.view()).toEqual([]);
    const archived = await b.owner.api.tasks.board({ organizationId: b.organizationId, projectId: b.projectId, archived: true });
    expect(archived.tasks.map((t) => t.id)).toEqual([taskId]);
    await b.owner.api.tasks.restore({ organizationId: b.organizationId, taskId });
    expect((await b.view()).map((t) => t.id)).toEqual([taskId]);
  });

  it('refuses assigning someone who is not a member', async () => {
    const b = await board();
    const { id } = await b.add('Secret');
    await expect(b.owner.api.tasks.assign({ organizationId: b.organizationId, taskId: id, assigneeId: 'mallory' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
