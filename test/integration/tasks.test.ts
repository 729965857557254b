import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { writeSide } from '~/server/app/context';
import { loadState } from '~/server/commands/handler';
import { taskDecider } from '~/server/modules/tasks/commands';
import { as, closeAppClientsAfterAll } from '../support/callers';

closeAppClientsAfterAll();

async function board() {
  const ada = as('ada');
  const org = await ada.api.organizations.create({ name: 'Acme', slug: `acme-${randomUUID().slice(0, 8)}` });
  const organizationId = org.id;
  const project = await ada.api.tasks.createProject({ organizationId, name: 'Launch' });
  const add = (title: string, status: 'todo' | 'doing' | 'done', after: string | null, before: string | null) =>
    ada.api.tasks.create({ organizationId, projectId: project.id, title, placement: { status, after, before } });
  const view = async () => (await ada.api.tasks.board({ organizationId, projectId: project.id })).tasks;
  return { ada, organizationId, projectId: project.id, add, view };
}

describe('task board', () => {
  it('creates tasks in columns, ordered by rank; the creator sees them right away', async () => {
    const b = await board();
    await b.add('B', 'todo', null, null);
    const [bTask] = await b.view();
    await b.add('A', 'todo', null, bTask?.rank ?? null); // before B
    await b.add('C', 'todo', bTask?.rank ?? null, null); // after B
    await b.add('Deploy', 'doing', null, null);
    const tasks = await b.view();
    expect(tasks.map((t) => [t.status, t.title])).toEqual([['doing', 'Deploy'], ['todo', 'A'], ['todo', 'B'], ['todo', 'C']]);
  });

  it('moves, edits, assigns, archives and restores through events', async () => {
    const b = await board();
    const created = await b.add('Write docs', 'todo', null, null);
    const taskId = created.id;
    await b.ada.api.tasks.move({ organizationId: b.organizationId, taskId, placement: { status: 'done', after: null, before: null } });
    await b.ada.api.tasks.edit({ organizationId: b.organizationId, taskId, title: 'Write the docs', description: 'All of them' });
    await b.ada.api.tasks.assign({ organizationId: b.organizationId, taskId, assigneeId: b.ada.session.user.id });
    expect(await b.view()).toEqual([
      expect.objectContaining({ id: taskId, status: 'done', title: 'Write the docs', description: 'All of them', assigneeId: b.ada.session.user.id }),
    ]);
    // The write side agrees, at the version of its fourth event.
    await expect(loadState(writeSide(), taskDecider, b.organizationId, taskId)).resolves.toEqual({
      version: 4,
      state: expect.objectContaining({ status: 'done', title: 'Write the docs', assigneeId: b.ada.session.user.id, archived: false }),
    });
    await b.ada.api.tasks.archive({ organizationId: b.organizationId, taskId });
    expect(await b.view()).toEqual([]);
    const archived = await b.ada.api.tasks.board({ organizationId: b.organizationId, projectId: b.projectId, archived: true });
    expect(archived.tasks.map((t) => t.id)).toEqual([taskId]);
    await b.ada.api.tasks.restore({ organizationId: b.organizationId, taskId });
    expect((await b.view()).map((t) => t.id)).toEqual([taskId]);
  });

  it('refuses assigning someone who is not a member', async () => {
    const b = await board();
    const { id } = await b.add('Secret', 'todo', null, null);
    await expect(b.ada.api.tasks.assign({ organizationId: b.organizationId, taskId: id, assigneeId: 'mallory' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
