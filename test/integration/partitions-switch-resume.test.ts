/**
 * `npm run partitions -- switch`, the hard parts: refusals that change
 * nothing (a count out of range, no confirmation, a live worker, a parked
 * event); a switch killed while frozen, finished by running it again (and
 * meanwhile refusing a switch to another count); and after switches 4 → 7 → 3,
 * read models and write-side state rebuilt from the log equal to what was
 * there, although organizations' events now span several partitions.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { env } from '~/env';
import { writeSide } from '~/server/app/context';
import { catchUpAll, projectors } from '~/server/app/projectors';
import { rebuildableNames, runAppRebuild } from '~/server/app/projection-rebuilds';
import { rebuildAppWriteState } from '~/server/app/write-state';
import { recordEvents } from '~/server/commands/handler';
import { db } from '~/server/db';
import { deadLetters } from '~/server/db/event-core-schema';
import { readLayoutRecord } from '~/server/events/layout';
import { organizationDecider } from '~/server/modules/organizations/commands';
import { organizationRenamed } from '~/server/modules/organizations/events';
import { getRedis, keys } from '~/server/redis';
import { partitionOf } from '~/server/redis/keys';
import { projectorsCaughtUp } from '../support/app-progress';
import { tablesSnapshot } from '../support/app-events';
import { closeAppClientsAfterAll, codeAndMessageOf, codeOf } from '../support/callers';
import { eventually } from '../support/log-capture';
import { refusePoisonTitles } from '../support/poison-titles';
import { runScript } from '../support/run-script';
import { addTask, moveTask, organizationWithBoard, readModels, redeployed, runSwitch, startSwitch, streamLengths, writeSideOf, type Org } from '../support/partition-switch';

closeAppClientsAfterAll();

const USAGE = 'Usage: npm run partitions -- switch <M> [--yes] [--timeout <seconds>]';
let orgs: Org[] = [];

/** This process redeployed with `partitions`: the app's count, and callers made anew. */
function redeploy(partitions: number) {
  env.EVENT_PARTITIONS = partitions;
  orgs = orgs.map(redeployed);
}

describe('npm run partitions -- switch', () => {
  it('refuses, changing nothing: a count out of range, no confirmation off a terminal, a live worker', { timeout: 120_000 }, async () => {
    // An organization that moves down a partition on 4 → 7 (its later events in a partition read before its earlier ones), and one more.
    while (orgs.length < 2 || !orgs.some((o) => partitionOf(o.organizationId, 7) < partitionOf(o.organizationId, 4))) orgs.push(await organizationWithBoard());
    const layout = await readLayoutRecord(getRedis(), keys);
    expect(layout).toMatchObject({ partitions: 4, epoch: 0, switching: null });

    for (const [arg, why] of [
      ['0', 'The partition count must be at least 1.'],
      ['257', 'The partition count must be at most 256.'],
      ['2.5', 'The partition count must be a whole number.'],
    ]) {
      const run = await runSwitch([arg ?? '', '--yes']);
      expect(run.code).toBe(1);
      expect(run.stderr.trim()).toBe(`✖ ${why} ${USAGE}`);
    }
    const unconfirmed = await runSwitch(['7']);
    expect(unconfirmed.stderr.trim()).toBe('✖ Not on a terminal, so nothing asks for confirmation: add --yes to switch.');

    await getRedis().zAdd(keys.workers(), { score: Date.now(), value: 'worker-on-4' });
    const withWorker = await runSwitch(['7', '--yes']);
    await getRedis().zRem(keys.workers(), 'worker-on-4');
    expect(withWorker.code).toBe(1);
    expect(withWorker.stderr.trim()).toBe('✖ 1 worker still runs with EVENT_PARTITIONS=4 (worker-on-4): stop them first, and start them again with the new count once the switch has finished.');

    expect(await readLayoutRecord(getRedis(), keys)).toEqual(layout);
    for (const org of orgs) expect(await codeOf(moveTask(org, org.taskIds[0], 'doing'))).toBe('OK');
  });

  it('killed while frozen, it is finished by running it again; a switch to another count is refused meanwhile', { timeout: 180_000 }, async () => {
    await projectorsCaughtUp();
    const [moved] = orgs.filter((o) => partitionOf(o.organizationId, 7) < partitionOf(o.organizationId, 4));
    if (!moved) throw new Error('no organization that moves down');
    // Another process holds the partition's lease and does not drain it: the switch waits, frozen, for an event nothing has projected.
    const partition = partitionOf(moved.organizationId, 4);
    await getRedis().set(keys.lease(partition), 'a-stuck-worker', { expiration: { type: 'PX', value: 120_000 } });
    await recordEvents(writeSide(), { decider: organizationDecider, organizationId: moved.organizationId, aggregateId: moved.organizationId, actorId: moved.owner.session.user.id, events: [organizationRenamed.create({ name: 'Renamed before the switch' })] });
    const switching = startSwitch(['7', '--yes']);
    try {
      await eventually(() => switching.output().includes('Waiting (at most'), 60_000, 'the switch frozen and waiting');
    } finally {
      await switching.kill();
    }
    expect(await readLayoutRecord(getRedis(), keys)).toMatchObject({ partitions: 4, switching: { to: 7, phase: 'frozen' } });
    const lengths = await streamLengths();
    for (const org of orgs) {
      expect(await codeAndMessageOf(addTask(org, 'While frozen'))).toBe(
        'SERVICE_UNAVAILABLE: The event log is being re-partitioned (4 → 7 partitions), so changes are paused for a moment. Try again shortly; nothing was written.',
      );
    }
    expect(await streamLengths()).toEqual(lengths);
    const other = await runSwitch(['5', '--yes']);
    expect(other.stderr.trim()).toBe('✖ A switch from 4 to 7 partitions is under way: run `npm run partitions -- switch 7` to finish it.');
    const status = await runScript('scripts/partitions.ts', ['status'], { ...process.env, LOG_LEVEL: 'silent' });
    expect(status.stdout).toContain('Switch under way: 4 → 7 partitions since');

    await getRedis().del(keys.lease(partition)); // the stuck worker is gone
    const resumed = await runSwitch(['7', '--yes']);
    expect(resumed.stderr).toBe('');
    expect(resumed.stdout).toContain('Resuming the switch from 4 to 7 partitions');
    expect(resumed.stdout).toContain('✔ Switched from 4 to 7 partitions (finished an interrupted switch)');
    redeploy(7);
    // The event nobody had projected was drained before anything moved; commands go on.
    expect(await moved.owner.api.organizations.get({ organizationId: moved.organizationId })).toMatchObject({ name: 'Renamed before the switch' });
    for (const org of orgs) {
      expect(await codeOf(moveTask(org, org.taskIds[1], 'done'))).toBe('OK');
      await addTask(org, 'Under 7');
    }
  });

  it('after 4 → 7 → 3, rebuilding every read model and the write-side state from the log gives what was there', { timeout: 240_000 }, async () => {
    const run = await runSwitch(['3', '--yes']);
    expect(run.stdout).toContain('✔ Switched from 7 to 3 partitions');
    redeploy(3);
    for (const org of orgs) {
      expect(await codeOf(moveTask(org, org.taskIds[1], 'doing'))).toBe('OK');
      await addTask(org, 'Under 3');
    }
    await projectorsCaughtUp();
    const models = await readModels();
    for (const name of rebuildableNames) {
      const tables = projectors.find((p) => p.name === name)?.tables ?? [];
      const before = await tablesSnapshot(tables);
      await runAppRebuild(name, { requestedBy: 'test' });
      expect(await tablesSnapshot(tables), `${name} rebuilt across three layouts`).toEqual(before);
    }
    expect(await readModels()).toEqual(models);

    const stored = await Promise.all(orgs.map(writeSideOf));
    for (const org of orgs) {
      const p = partitionOf(org.organizationId, 3);
      await getRedis().del([org.organizationId, org.projectId, ...org.taskIds, org.idempotentTaskId].flatMap((id) => [keys.version(p, id), keys.state(p, id)]));
    }
    const result = await rebuildAppWriteState();
    expect(result.failed).toEqual([]);
    expect(await Promise.all(orgs.map(writeSideOf))).toEqual(stored);
  });

  it('refuses while an event is parked, naming it', { timeout: 120_000 }, async () => {
    const poison = await refusePoisonTitles((q) => db.execute(sql.raw(q)));
    const [org] = orgs;
    if (!org) throw new Error('no organization');
    await addTask(org, `${poison.marker} never projected`);
    await eventually(async () => {
      await catchUpAll(2_000);
      return (await db.select().from(deadLetters)).length > 0;
    }, 60_000, 'the poisoned task parked');
    const run = await runSwitch(['4', '--yes']);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toMatch(/^✖ 1 event is parked in the dead letters \(board on partition \d at \d+-\d+ \(task\.created\): .*poison title refused.*\): retry or skip it on \/operations first/);
    expect(await readLayoutRecord(getRedis(), keys)).toMatchObject({ partitions: 3, switching: null });
  });
});
