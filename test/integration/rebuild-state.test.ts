/**
 * Write-side state is rebuildable: `npm run events -- rebuild-state` folds
 * the archive plus the stream tail into every aggregate's version and state.
 */
import { describe, expect, it } from 'vitest';
import { catalogue, deciders } from '~/server/app/catalogue';
import { writeSide } from '~/server/app/context';
import { catchUpAll } from '~/server/app/projectors';
import { loadState } from '~/server/commands/handler';
import { db } from '~/server/db';
import { rebuildWriteState } from '~/server/events/rebuild-state';
import { readAggregates } from '~/server/events/write-state';
import { organizationDecider } from '~/server/modules/organizations/commands';
import { projectDecider, taskDecider } from '~/server/modules/tasks/commands';
import { getRedis, keys } from '~/server/redis';
import { partitionOf } from '~/server/redis/keys';
import { env } from '~/env';
import { as, closeAppClientsAfterAll } from '../support/callers';
import { boardWithTasks, slug } from '../support/fixtures';
import { runScript } from '../support/run-script';
import { singleServer } from '../support/redis-node';

closeAppClientsAfterAll();


const runEvents = (...args: string[]) => runScript('scripts/events.ts', args);

/** Deletes every write-side version and state key of the app's key space. */
async function forgetWriteSide(): Promise<number> {
  let deleted = 0;
  for (const pattern of [`${keys.prefix}:*:ver:*`, `${keys.prefix}:*:state:*`]) {
    for await (const batch of singleServer(getRedis()).scanIterator({ MATCH: pattern, COUNT: 500 })) {
      if (batch.length > 0) deleted += await getRedis().del(batch);
    }
  }
  return deleted;
}

describe('rebuild-state', () => {
  it('after every state and version key is deleted, `npm run events -- rebuild-state` restores them: commands succeed at the right versions', { timeout: 90_000 }, async () => {
    const ada = as('ada');
    const { organizationId, projectId, taskIds, move } = await boardWithTasks({ owner: ada, tasks: ['Ship'] });
    const [taskId] = taskIds;
    await move(taskId, 'doing');
    await catchUpAll(); // these are archived …
    await ada.api.tasks.edit({ organizationId, taskId, title: 'Ship it', description: 'soon' }); // … this one is only in the stream tail
    const before = await Promise.all([
      loadState(writeSide(), organizationDecider, organizationId, organizationId),
      loadState(writeSide(), projectDecider, organizationId, projectId),
      loadState(writeSide(), taskDecider, organizationId, taskId),
    ]);
    expect(before.map((s) => s.version)).toEqual([2, 1, 3]);

    expect(await forgetWriteSide()).toBeGreaterThanOrEqual(6);
    // With nothing stored, the organization is unknown to commands (and its task with it).
    await expect(ada.api.tasks.move({ organizationId, taskId, placement: { status: 'done', after: null, before: null } })).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const run = await runEvents('rebuild-state');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/✔ Rebuilt write-side state: \d+ events, \d+ aggregates/);
    const after = await Promise.all([
      loadState(writeSide(), organizationDecider, organizationId, organizationId),
      loadState(writeSide(), projectDecider, organizationId, projectId),
      loadState(writeSide(), taskDecider, organizationId, taskId),
    ]);
    expect(after).toEqual(before);

    await expect(ada.api.tasks.move({ organizationId, taskId, placement: { status: 'done', after: null, before: null } })).resolves.toMatchObject({ changed: true });
    await expect(ada.api.organizations.rename({ organizationId, name: 'Acme Inc' })).resolves.toMatchObject({ changed: true });
    await expect(loadState(writeSide(), taskDecider, organizationId, taskId)).resolves.toMatchObject({ version: 4, state: { status: 'done', title: 'Ship it' } });
    await expect(loadState(writeSide(), organizationDecider, organizationId, organizationId)).resolves.toMatchObject({ version: 3, state: { name: 'Acme Inc' } });
  });

  it('never writes over a newer version that a command stored meanwhile', async () => {
    const ada = as('ada');
    const { id: organizationId } = await ada.api.organizations.create({ name: 'Race', slug: slug('race') });
    const partition = partitionOf(organizationId, env.EVENT_PARTITIONS);
    // The store ahead of the log, as if an append landed after the rebuild read the log.
    await getRedis().set(keys.version(partition, organizationId), '7');
    const result = await rebuildWriteState({ db, redis: getRedis(), keys, partitions: env.EVENT_PARTITIONS, catalogue, deciders });
    expect(result.newer).toBeGreaterThanOrEqual(1);
    const { aggregates } = await readAggregates(writeSide(), organizationId, [organizationId]);
    expect(aggregates[0]?.version).toBe(7);
  });
});
