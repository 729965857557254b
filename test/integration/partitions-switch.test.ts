/**
 * Changing EVENT_PARTITIONS on a live system (`npm run partitions -- switch`):
 * a frozen partition refuses commands with a typed, retryable error and
 * writes nothing; organizations built under 4 partitions go on deciding from
 * the right state under 7 (versions, conflicts, slug claims, member checks,
 * idempotent retries), their read models unchanged and new events projected;
 * a process still on 4 is refused and writes nothing; switching to 7 again is
 * refused. The rest (an interrupted switch, refusals, rebuilds after a
 * switch) is in partitions-switch-resume.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { env } from '~/env';
import { eventStore, append } from '~/server/app/event-store';
import { db } from '~/server/db';
import { eventLog } from '~/server/db/event-core-schema';
import { partitionLayouts } from '~/server/db/partition-layouts-schema';
import { appendEvents } from '~/server/events/append';
import { frozenValue, LayoutMismatchError, PartitionFrozenError, readLayoutRecord } from '~/server/events/layout';
import { ConflictError } from '~/server/errors';
import { organizationRenamed } from '~/server/modules/organizations/events';
import { getRedis, keys } from '~/server/redis';
import { partitionOf } from '~/server/redis/keys';
import { projectorsCaughtUp } from '../support/app-progress';
import { as, closeAppClientsAfterAll, codeAndMessageOf, codeOf } from '../support/callers';
import {
  addTask,
  boardOf,
  callerWithPartitions,
  moveTask,
  organizationWithBoard,
  partitionLayoutValues,
  readModels,
  redeployed,
  redeployedUser,
  runSwitch,
  streamLengths,
  writeSideOf,
  type Org,
} from '../support/partition-switch';

closeAppClientsAfterAll();

const FROZEN = 'SERVICE_UNAVAILABLE: The event log is being re-partitioned (4 → 7 partitions), so changes are paused for a moment. Try again shortly; nothing was written.';
const STALE = 'SERVICE_UNAVAILABLE: This process runs with EVENT_PARTITIONS=4, but the event log is laid out in 7 partitions. Redeploy it with EVENT_PARTITIONS=7; nothing was written.';

describe('a frozen partition', () => {
  it('refuses commands, and the append script refuses appends, with a typed retryable error, writing nothing', { timeout: 60_000 }, async () => {
    const org = await organizationWithBoard();
    const partition = partitionOf(org.organizationId, env.EVENT_PARTITIONS);
    const [stream, aggregates] = [await streamLengths(), await writeSideOf(org)];
    await getRedis().set(keys.layout(partition), frozenValue(4, 7));
    try {
      expect(await codeAndMessageOf(moveTask(org, org.taskIds[0], 'doing'))).toBe(FROZEN);
      expect(await codeAndMessageOf(org.owner.api.organizations.rename({ organizationId: org.organizationId, name: 'Renamed' }))).toBe(FROZEN);
      // Straight to the script, past the load's check: the script itself refuses.
      const version = Number(aggregates[0]?.version);
      const rename = { aggregateId: org.organizationId, expectedVersion: version, events: [organizationRenamed.create({ name: 'Renamed' })] };
      await expect(appendEvents(eventStore(), { organizationId: org.organizationId, actorId: org.owner.session.user.id, streams: [rename] })).rejects.toThrow(PartitionFrozenError);
      expect(await streamLengths()).toEqual(stream);
      expect(await writeSideOf(org)).toEqual(aggregates);
    } finally {
      await getRedis().set(keys.layout(partition), '4');
    }
    expect(await codeOf(moveTask(org, org.taskIds[0], 'doing'))).toBe('OK');
  });
});

describe('switching from 4 to 7 partitions', () => {
  it('carries every organization over: state, versions, claims and stored results hold; read models unchanged; old processes refused', { timeout: 240_000 }, async () => {
    // Organizations until some move to another partition under 7 and some stay.
    let orgs: Org[] = [];
    const moves = (o: Org) => partitionOf(o.organizationId, 4) !== partitionOf(o.organizationId, 7);
    while (orgs.length < 4 || !orgs.some(moves) || orgs.every(moves)) orgs.push(await organizationWithBoard());
    const creator = as('creator');
    const orgKey = randomUUID();
    const created = await creator.api.organizations.create({ name: 'Keyed', slug: `keyed-${orgKey.slice(0, 8)}`, idempotencyKey: orgKey });
    await projectorsCaughtUp();
    const before = { models: await readModels(), aggregates: await Promise.all(orgs.map(writeSideOf)), mine: await Promise.all(orgs.map((o) => o.member.api.organizations.mine())) };

    const run = await runSwitch(['7', '--yes']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Froze appends on every partition (4 → 7): commands are refused, retryably, until the switch ends.');
    expect(run.stdout).toContain('Every projector has committed every entry of the old partitions.');
    // Some organizations moved (the loop above made sure), each with a stored result.
    expect(run.stdout).toMatch(/✔ Switched from 4 to 7 partitions: moved [1-9]\d* aggregates, \d+ claims and [1-9]\d* idempotency records\./);
    expect(run.stdout).toContain('Now redeploy every process (web and workers) with EVENT_PARTITIONS=7.');

    // This process is redeployed with the new count (its callers made anew); a process still on 4 is simulated by its write side.
    env.EVENT_PARTITIONS = 7;
    const stale = orgs;
    orgs = orgs.map(redeployed);
    expect(await readLayoutRecord(getRedis(), keys)).toEqual({ partitions: 7, epoch: 1, indexedSince: null, switching: null });
    expect(await partitionLayoutValues()).toEqual(['7', '7', '7', '7']);
    const layouts = await db.select().from(partitionLayouts).orderBy(partitionLayouts.epoch);
    expect(layouts.map((l) => [l.epoch, l.partitions, l.cutoffs?.length ?? null])).toEqual([
      [0, 4, 4],
      [1, 7, null],
    ]);

    // The same read models, the same write side, found where the new count looks.
    expect(await readModels()).toEqual(before.models);
    expect(await Promise.all(orgs.map(writeSideOf))).toEqual(before.aggregates);
    expect(await Promise.all(orgs.map((o) => o.member.api.organizations.mine()))).toEqual(before.mine);

    const lengths = await streamLengths();
    for (const org of orgs) {
      // An idempotent retry answers its stored result (its events where they were appended), appending nothing.
      const retry = await addTask(org, 'Once', org.idempotencyKey);
      expect(retry).toMatchObject({ id: org.idempotentTaskId, changed: true, settled: true, position: { partition: partitionOf(org.organizationId, 4) } });
      // The slug stays taken, and resolves to its organization; a member's address stays a member's.
      expect(await codeAndMessageOf(as('rival').api.organizations.create({ name: 'Rival', slug: org.slug }))).toBe(
        `CONFLICT: The URL name “${org.slug}” is already taken; choose another.`,
      );
      expect(await org.owner.api.organizations.resolve({ slugOrId: org.slug })).toMatchObject({ id: org.organizationId, role: 'owner' });
      expect(await codeAndMessageOf(org.owner.api.organizations.invite({ organizationId: org.organizationId, email: org.member.email, role: 'member' }))).toBe(
        `CONFLICT: ${org.member.email} is already a member of this organization.`,
      );
    }
    expect(await redeployedUser(creator).api.organizations.create({ name: 'Keyed', slug: `keyed-${orgKey.slice(0, 8)}`, idempotencyKey: orgKey })).toMatchObject({ id: created.id, slug: created.slug });
    expect(await streamLengths(), 'retries and refusals appended nothing').toEqual(lengths);

    // A process still on 4 is refused, at the load and at the script, and writes nothing.
    const [old] = stale;
    if (!old) throw new Error('no organization');
    expect(await codeAndMessageOf(callerWithPartitions(old.owner, 4).organizations.rename({ organizationId: old.organizationId, name: 'Stale' }))).toBe(STALE);
    expect(await codeAndMessageOf(old.owner.api.organizations.rename({ organizationId: old.organizationId, name: 'Stale' })), 'a caller made before the switch').toBe(STALE);
    const staleRename = { aggregateId: old.organizationId, expectedVersion: Number(before.aggregates[0]?.[0]?.version), events: [organizationRenamed.create({ name: 'Stale' })] };
    await expect(appendEvents({ ...eventStore(), partitions: 4 }, { organizationId: old.organizationId, actorId: old.owner.session.user.id, streams: [staleRename] })).rejects.toThrow(LayoutMismatchError);
    expect(await streamLengths()).toEqual(lengths);

    // Commands go on from the carried versions, and a stale version is still a conflict.
    for (const [i, org] of orgs.entries()) {
      const versions = before.aggregates[i]?.map((a) => Number(a.version)) ?? [];
      expect(await codeOf(org.owner.api.organizations.rename({ organizationId: org.organizationId, name: `Renamed ${i}` }))).toBe('OK');
      expect(await codeOf(moveTask(org, org.taskIds[0], 'done'))).toBe('OK');
      await addTask(org, 'After the switch');
      const after = await writeSideOf(org);
      expect(after.map((a) => Number(a.version))).toEqual(versions.map((v, k) => (k === 0 || k === 2 ? v + 1 : v)));
      const late = { aggregateId: org.organizationId, expectedVersion: versions[0] ?? 0, events: [organizationRenamed.create({ name: 'Too late' })] };
      await expect(append({ organizationId: org.organizationId, actorId: org.owner.session.user.id, streams: [late] })).rejects.toThrow(ConflictError);
    }
    await projectorsCaughtUp();
    for (const [i, org] of orgs.entries()) {
      expect(await org.owner.api.organizations.get({ organizationId: org.organizationId })).toMatchObject({ name: `Renamed ${i}` });
      expect((await boardOf(org)).map((t) => [t.title, t.status])).toEqual(expect.arrayContaining([['First', 'done'], ['After the switch', 'todo']]));
      // The archive holds the organization's events of both layouts, each in the partition it was appended to.
      const rows = await db.select({ partition: eventLog.partition }).from(eventLog).where(eq(eventLog.organizationId, org.organizationId));
      expect(new Set(rows.map((r) => r.partition))).toEqual(new Set([partitionOf(org.organizationId, 4), partitionOf(org.organizationId, 7)]));
    }

    const again = await runSwitch(['7', '--yes']);
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe('✖ The event log is laid out in 7 partitions already.');
  });
});
