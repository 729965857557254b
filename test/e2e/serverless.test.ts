/**
 * Serverless projectors (`PROJECTORS_MODE=serverless`) with no worker at all:
 * two `next start` instances of the built app share one database and key
 * space, as two warm functions of one Vercel deployment do, and are used over
 * real HTTP (tRPC, the development sign-in).
 *
 * - Mutations spread over both instances converge every read model, the
 *   archive and the invitation mailer through the drains after responses
 *   alone: no cron call, no worker.
 * - A drain SIGKILLed mid-batch (the instance is frozen when it holds
 *   unacknowledged entries, then killed) is finished by the other instance's
 *   drain after its next command, which waits out the dead drain's lease and
 *   claims its pending entries; or, with no command after it, by ONE cron
 *   call after a restart. Either way every checkpoint ends at the tip with
 *   every event applied once.
 * - Concurrent cron calls on both instances while mutations run on both never
 *   apply an event twice or out of order.
 *
 * "Converged" is checked the same way each time (test/support/read-side.ts):
 * every projector's checkpoint at its partition's tip with `events_applied`
 * equal to the entries ever added (an event applied twice counts twice),
 * nothing pending or parked, the archive complete, and every read model's
 * tables equal to a rebuild from the archive.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { generateNKeysBetween } from 'fractional-indexing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { startAppServer, type AppServer } from '../../scripts/lib/app-server';
import { signInOverHttp } from '../../scripts/lib/http-session';
import { freePort } from '../../scripts/lib/ports';
import { trpcOverHttp } from '../support/http-client';
import { eventually } from '../support/log-capture';
import { createDatabaseFromTemplate } from '../support/services';
import { caughtUp, projectionState, rebuildDifferences, type ReadSide } from '../support/read-side';

const tag = randomBytes(3).toString('hex');
const CRON_SECRET = `cron-${randomBytes(12).toString('hex')}`;
const HEALTH_TOKEN = `health-${randomBytes(12).toString('hex')}`;
const sharedEnv = {
  DATABASE_URL: await createDatabaseFromTemplate(inject('postgresServerUrl'), `svl_${randomBytes(4).toString('hex')}`),
  REDIS_URL: inject('redisUrl'),
  REDIS_KEY_PREFIX: `svl-${tag}`,
  AUTH_SECRET: randomBytes(32).toString('base64url'),
  AUTH_TRUST_HOST: 'true',
  AUTH_DEV_SIGNIN: 'true',
  // `next start` runs in production, where the development sign-in must be allowed this loudly.
  AUTH_DEV_SIGNIN_IN_PRODUCTION_LETS_ANYONE_SIGN_IN_AS_ANYONE: 'true',
  PROJECTORS_MODE: 'serverless',
  CRON_SECRET,
  HEALTH_TOKEN,
  EVENT_PARTITIONS: '4',
  // One user makes every change here; the limit is tested elsewhere.
  RATE_LIMIT_MUTATIONS: '0',
  LOG_LEVEL: 'warn',
};
// This file reads the instances' database and key space directly, through the app's own modules.
Object.assign(process.env, sharedEnv);
const { db } = await import('~/server/db');
const { getRedis, keys } = await import('~/server/redis');
const { projectorNames } = await import('~/server/app/projectors');
const { catalogue } = await import('~/server/app/catalogue');
const { writeSide } = await import('~/server/app/context');
const { recordEvents } = await import('~/server/commands/handler');
const { taskDecider } = await import('~/server/modules/tasks/commands');
const { taskCreated, taskEdited, taskMoved } = await import('~/server/modules/tasks/events');
const { sql } = await import('drizzle-orm');
const { compareStreamIds } = await import('~/server/events/envelope');

const readSide: ReadSide = { db, redis: getRedis(), keys, partitions: 4, projectorNames };

const ports = [await freePort(), await freePort()];
const envOf = (port: number) => ({ ...sharedEnv, AUTH_URL: `http://127.0.0.1:${port}` });
const instances: AppServer[] = [];
let cookie = '';
const owner = `owner-${tag}@example.com`;

beforeAll(async () => {
  for (const port of ports) instances.push(await startAppServer(envOf(port), { port }));
  cookie = await signInOverHttp(instances[0]?.url ?? '', owner);
});

afterAll(async () => {
  await Promise.all(instances.map((app) => app.stop()));
  getRedis().destroy();
  await db.$client.end({ timeout: 5 });
});

/** A tRPC client on instance `i` (0 or 1), signed in as the owner. */
const api = (i: number) => trpcOverHttp(instances[i % 2]?.url ?? '', cookie).client;

const cronReport = z.object({
  mode: z.string(),
  events: z.number(),
  partitions: z.array(z.number()),
  busy: z.array(z.number()),
  complete: z.boolean(),
  claimed: z.number(),
  trimmed: z.number(),
  ms: z.number(),
});

async function cron(i: number) {
  const response = await fetch(`${instances[i % 2]?.url}/api/cron/drain`, { headers: { authorization: `Bearer ${CRON_SECRET}` } });
  expect(response.status).toBe(200);
  return cronReport.parse(await response.json());
}

/** Every invitation mailed exactly once: one reactor record and one mail per `invitation.created`. */
async function mailsOncePerInvitation(): Promise<{ invited: number; effects: number; mails: number; repeated: number }> {
  const [row] = await db.execute<{ invited: number; effects: number; mails: number; repeated: number }>(sql`
    select (select count(*)::int from event_log where type = 'invitation.created') as invited,
           (select count(*)::int from reactor_effects r join event_log e using (event_id)
             where r.reactor = 'invitation-mailer' and e.type = 'invitation.created') as effects,
           (select count(*)::int from dev_mailbox) as mails,
           (select count(*)::int from (select "to" from dev_mailbox group by 1 having count(*) > 1) d) as repeated`);
  return row ?? { invited: -1, effects: -1, mails: -1, repeated: -1 };
}

/** Every aggregate's events sit in the log in version order, 1, 2, 3, … with no gap. */
async function outOfOrderInLog(): Promise<number> {
  const [row] = await db.execute<{ n: number }>(sql`
    select count(*)::int as n from (
      select aggregate_version, row_number() over (partition by aggregate_id order by stream_ms, stream_seq) as expected from event_log
    ) v where aggregate_version <> expected`);
  return row?.n ?? -1;
}

async function expectConvergedExactlyOnce() {
  const state = await projectionState(readSide);
  expect(state.behind).toEqual([]);
  expect(state).toMatchObject({ pending: 0, deadLetters: 0 });
  for (const stream of state.streams) expect(stream.archived, `archive of partition ${stream.partition}`).toBe(stream.added);
  expect(await rebuildDifferences(db, catalogue, projectorNames)).toEqual([]);
  expect(await outOfOrderInLog()).toBe(0);
  const mails = await mailsOncePerInvitation();
  expect(mails).toMatchObject({ effects: mails.invited, mails: mails.invited, repeated: 0 });
  return state;
}

const todo = { status: 'todo' as const, after: null, before: null };
const statuses = ['todo', 'doing', 'done'] as const;

/**
 * A new organization on instance 0 with `tasks` × 15 events appended straight
 * into the log (nothing drains them), then one command on instance 0, whose
 * drain after the response works through them (enough of them that the drain
 * lasts long enough to be caught: batches take milliseconds); instance 0 is frozen
 * (SIGSTOP) at a moment when that drain holds read but unacknowledged
 * entries, and SIGKILLed. A drain missed that way is let finish and tried
 * again with a fresh batch. Returns what is left behind.
 */
async function killMidDrain(name: string, tasks: number) {
  const client = api(0);
  const organization = await client.organizations.create.mutate({ name, slug: `svl-${tag}-${name}` });
  const project = await client.tasks.createProject.mutate({ organizationId: organization.id, name: 'Backlog' });
  const partition = project.position?.partition ?? -1;
  await eventually(async () => caughtUp(await projectionState(readSide)), 30_000, 'a clean start');
  const { id: actorId } = await client.system.viewer.query();

  const ranks = generateNKeysBetween(null, null, 15);
  const side = writeSide();
  const appendBatch = async () => {
    for (let chunk = 0; chunk < tasks; chunk += 10) {
      await Promise.all(
        Array.from({ length: Math.min(10, tasks - chunk) }, () =>
          recordEvents(side, {
            decider: taskDecider,
            organizationId: organization.id,
            aggregateId: randomUUID(),
            actorId,
            events: [
              taskCreated.create({ projectId: project.id, title: 'Bulk', description: '', status: 'todo', rank: ranks[0] ?? 'a0' }),
              ...ranks.slice(1).map((rank, i) =>
                i % 4 === 3 ? taskEdited.create({ title: `Bulk ${i}`, description: '' }) : taskMoved.create({ status: statuses[i % 3] ?? 'todo', rank }),
              ),
            ],
          }),
        ),
      );
    }
  };
  const archiveAt = async () => {
    const [row] = await db.execute<{ last_id: string }>(sql`select last_id from projector_checkpoints where projector = 'archive' and partition = ${partition}`);
    return row?.last_id ?? '0-0';
  };
  const victim = instances[0];
  if (!victim) throw new Error('no instance 0');

  // A drain can finish between two freezes on a quiet machine: then a fresh batch and another try.
  let caught = false;
  for (let attempt = 1; attempt <= 4 && !caught; attempt++) {
    await appendBatch();
    const before = await archiveAt();
    const tip = (await getRedis().xRevRange(keys.stream(partition), '+', '-', { COUNT: 1 }))?.[0]?.id ?? '';
    // The archive is drained only after the response: between `before` and `tip` it is that drain at work.
    await client.tasks.renameProject.mutate({ organizationId: organization.id, projectId: project.id, name: `${name} (renamed ${attempt})` });
    const deadline = Date.now() + 30_000;
    let finished = false;
    while (!caught && !finished && Date.now() < deadline) {
      victim.signal('SIGSTOP');
      const at = await archiveAt();
      const state = await projectionState(readSide);
      caught = compareStreamIds(at, before) > 0 && compareStreamIds(at, tip) < 0 && state.pending > 0;
      finished = compareStreamIds(at, tip) >= 0;
      if (!caught) {
        victim.signal('SIGCONT');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
    if (!caught) await eventually(async () => caughtUp(await projectionState(readSide)), 30_000, 'the missed drain to finish before the next try');
  }
  expect(caught, 'instance 0 frozen in the middle of its drain after the response').toBe(true);
  await victim.kill();
  const left = await projectionState(readSide);
  expect(left.pending).toBeGreaterThan(0);
  expect(caughtUp(left)).toBe(false);
  return { organizationId: organization.id, projectId: project.id, partition, left };
}

describe('serverless projectors with no worker', () => {
  it('mutations on two instances converge every read model, the archive and the mailer through the drains after responses alone', { timeout: 180_000 }, async () => {
    const organizations: Array<{ id: string; projectId: string }> = [];
    for (let i = 0; i < 3; i++) {
      const organization = await api(i).organizations.create.mutate({ name: `Serverless ${i}`, slug: `svl-${tag}-${i}` });
      const project = await api(i + 1).tasks.createProject.mutate({ organizationId: organization.id, name: `Project ${i}` });
      organizations.push({ id: organization.id, projectId: project.id });
    }
    // Four lanes at once, each call on the other instance than the last, so each instance's drains meet the other's leases.
    await Promise.all(
      [0, 1, 2, 3].map(async (lane) => {
        const { id: organizationId, projectId } = organizations[lane % organizations.length] ?? { id: '', projectId: '' };
        for (let n = 0; n < 4; n++) {
          const task = await api(lane + n).tasks.create.mutate({ organizationId, projectId, title: `Lane ${lane} task ${n}`, placement: todo });
          for (let m = 0; m < 3; m++) {
            await api(lane + n + m + 1).tasks.move.mutate({ organizationId, taskId: task.id, placement: { ...todo, status: statuses[(m + lane) % 3] ?? 'todo' } });
          }
          await api(lane + n).tasks.edit.mutate({ organizationId, taskId: task.id, title: `Lane ${lane} task ${n} (edited)`, description: `by lane ${lane}` });
        }
        await api(lane).organizations.invite.mutate({ organizationId, email: `invitee-${lane}-${tag}@example.com`, role: 'member' });
      }),
    );
    // A second person accepts one invitation, on the other instance.
    const invited = await api(0).organizations.invite.mutate({ organizationId: organizations[0]?.id ?? '', email: `joiner-${tag}@example.com`, role: 'member' });
    const token = new URL(invited.url, 'http://x').searchParams.get('token') ?? '';
    const joiner = trpcOverHttp(instances[1]?.url ?? '', await signInOverHttp(instances[1]?.url ?? '', `joiner-${tag}@example.com`)).client;
    await joiner.organizations.acceptInvitation.mutate({ organizationId: organizations[0]?.id ?? '', invitationId: invited.invitationId, token });
    await api(1).organizations.rename.mutate({ organizationId: organizations[1]?.id ?? '', name: 'Serverless renamed' });

    // No cron call, no worker: only the drains scheduled by the mutations themselves.
    await eventually(async () => caughtUp(await projectionState(readSide)), 30_000, 'every projector at the tip through drains after responses');
    const state = await expectConvergedExactlyOnce();
    expect(state.streams.reduce((n, s) => n + s.added, 0)).toBeGreaterThan(60);
    expect((await mailsOncePerInvitation()).invited).toBe(5);

    // Health says how projectors run, and finds nothing wrong with there being no worker.
    const health = await fetch(`${instances[0]?.url}/api/health`, { headers: { authorization: `Bearer ${HEALTH_TOKEN}` } });
    expect(health.status).toBe(200);
    await expect(health.json()).resolves.toMatchObject({ ok: true, checks: { projectors: { ok: true, mode: 'serverless', status: { workers: 0 } } } });
  });

  it('after an instance is SIGKILLed mid-drain, a command on the other instance converges everything without cron: its drain waits out the dead lease and claims what was left', { timeout: 240_000 }, async () => {
    const { organizationId, projectId, partition } = await killMidDrain('dead', 200);
    // The surviving instance takes a command on that partition; the dead drain's lease is still live.
    expect(await getRedis().get(keys.lease(partition))).toMatch(/^inline-/);
    await api(1).tasks.renameProject.mutate({ organizationId, projectId, name: 'Dead (renamed again)' });
    await eventually(async () => caughtUp(await projectionState(readSide)), 60_000, 'every projector at the tip without cron');
    await expectConvergedExactlyOnce();
    instances[0] = await startAppServer(envOf(ports[0] ?? 0), { port: ports[0] });
  });

  it('a drain SIGKILLed mid-batch is finished by ONE cron call after a restart: every checkpoint at the tip, every event applied once', { timeout: 240_000 }, async () => {
    const { left } = await killMidDrain('crash', 200);
    instances[0] = await startAppServer(envOf(ports[0] ?? 0), { port: ports[0] });
    const report = await cron(0);
    expect(report).toMatchObject({ mode: 'serverless', complete: true, busy: [], claimed: left.pending, partitions: [0, 1, 2, 3] });
    expect(report.events).toBeGreaterThan(0);
    // No eventually here: that one call did all of it.
    await expectConvergedExactlyOnce();
  });

  it('concurrent cron calls on both instances while mutations run on both never apply an event twice or out of order', { timeout: 240_000 }, async () => {
    const organization = await api(1).organizations.create.mutate({ name: 'Contention', slug: `svl-${tag}-race` });
    const project = await api(0).tasks.createProject.mutate({ organizationId: organization.id, name: 'Race' });
    const organizationId = organization.id;
    let mutating = true;
    const reports: Array<z.infer<typeof cronReport>> = [];
    const crons = (async () => {
      while (mutating) reports.push(...(await Promise.all([cron(0), cron(1), cron(0), cron(1)])));
    })();
    const finalTasks = new Map<string, { title: string; status: string }>();
    try {
      await Promise.all(
        [0, 1, 2, 3].map(async (lane) => {
          for (let n = 0; n < 3; n++) {
            const title = `Race ${lane}.${n}`;
            const task = await api(lane + n).tasks.create.mutate({ organizationId, projectId: project.id, title, placement: todo });
            let status: string = 'todo';
            for (let m = 0; m < 5; m++) {
              status = statuses[(lane + n + m + 1) % 3] ?? 'todo';
              await api(lane + n + m).tasks.move.mutate({ organizationId, taskId: task.id, placement: { status: (statuses[(lane + n + m + 1) % 3] ?? 'todo'), after: null, before: null } });
            }
            finalTasks.set(task.id, { title, status });
          }
        }),
      );
    } finally {
      mutating = false;
      await crons;
    }
    expect(reports.length).toBeGreaterThanOrEqual(4);
    expect(reports.every((r) => r.mode === 'serverless')).toBe(true);

    await eventually(async () => caughtUp(await projectionState(readSide)), 60_000, 'every projector at the tip');
    await expectConvergedExactlyOnce();
    // Each task's row is where its last move put it (the fold of its events, in order).
    const board = await api(0).tasks.board.query({ organizationId, projectId: project.id });
    expect(new Map(board.tasks.map((t) => [t.id, { title: t.title, status: t.status }]))).toEqual(finalTasks);
  });
});
