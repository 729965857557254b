import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '~/server/db';
import { activityProjector } from '~/server/modules/activity/read-models/feed';
import { catalogue } from '~/server/app/catalogue';
import { catchUpAll } from '~/server/app/projectors';
import { replayArchive } from '~/server/projectors/replay';
import { as, closeAppClientsAfterAll } from '../support/callers';
import { boardWithTasks, slug } from '../support/fixtures';

closeAppClientsAfterAll();

describe('activity feed', () => {
  it('tells who did what, newest first, per organization and per task, in pages', async () => {
    const ada = as('ada');
    const { organizationId, taskIds, move } = await boardWithTasks({ owner: ada, tasks: ['Ship it'] });
    const [taskId] = taskIds;
    await move(taskId, 'done');
    await ada.api.tasks.edit({ organizationId, taskId, title: 'Ship it now', description: '' });

    const all = await ada.api.activity.list({ organizationId });
    expect(all.items.map((i) => `${i.actor} ${i.summary}`)).toEqual([
      'ada@example.com renamed “Ship it” to “Ship it now”',
      'ada@example.com moved “Ship it” to Done',
      'ada@example.com created “Ship it” in To do',
      'ada@example.com created the project “Launch”',
      'ada@example.com joined as owner',
      'ada@example.com created the organization “Acme”',
    ]);

    const forTask = await ada.api.activity.list({ organizationId, taskId });
    expect(forTask.items).toHaveLength(3);

    // Pages of two walk the whole feed once, in order.
    const seen: string[] = [];
    let cursor: { occurredAt: Date; eventId: string } | undefined;
    for (let page = 0; page < 10; page++) {
      const result = await ada.api.activity.list({ organizationId, limit: 2, cursor });
      seen.push(...result.items.map((i) => i.id));
      if (!result.next) break;
      cursor = result.next;
    }
    expect(seen).toEqual(all.items.map((i) => i.id));
  });

  it('a rebuild from the archive gives the same feed', async () => {
    const ada = as('ada');
    const { organizationId } = await boardWithTasks({ owner: ada, tasks: ['T'] });
    // The archive is not a read model a command waits for: let it catch up before rebuilding from it.
    await catchUpAll();
    const before = await ada.api.activity.list({ organizationId });
    await db.transaction(async (tx) => {
      await tx.execute(sql`truncate activity, activity_task_titles`);
      await replayArchive({ tx, catalogue, projector: activityProjector });
    });
    const after = await ada.api.activity.list({ organizationId });
    expect(after).toEqual(before);
  });

  it('refuses a cursor whose event id is not an event id (it would reach the query as text Postgres cannot take)', async () => {
    const ada = as('ada');
    const { id: organizationId } = await ada.api.organizations.create({ name: 'Cursor', slug: slug('cur') });
    for (const eventId of ['a\u0000b', 'a\ud800b', 'not-an-id']) {
      await expect(ada.api.activity.list({ organizationId, cursor: { occurredAt: new Date(), eventId } }), JSON.stringify(eventId)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    }
  });
});
