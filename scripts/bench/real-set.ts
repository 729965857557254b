/**
 * The app as it runs: its events (./app-events.ts) in their own key space,
 * its full projector list from the composition root, and the checks that the
 * read side ended where the plan says it must. Shared by the drain (which
 * measures the whole set) and the rebuild (which replays the archive the set
 * filled). Edit `realSetProblems` when a read model is added.
 */
import { count, eq, inArray } from 'drizzle-orm';
import { catalogue } from '../../src/server/app/catalogue';
import { deadLetters, eventLog, projectorCheckpoints } from '../../src/server/db/event-core-schema';
import type { Db } from '../../src/server/db/client';
import type { EventStore } from '../../src/server/events/append';
import { ensureKeys } from '../../src/server/events/personal-keys';
import { devMailbox } from '../../src/server/mail/dev-mailbox';
import { invitations, memberships, organizations } from '../../src/server/modules/organizations/read-models/directory';
import { projects, tasks } from '../../src/server/modules/tasks/read-models/board';
import type { Projector } from '../../src/server/projectors/define-projector';
import type { Redis } from '../../src/server/redis/client';
import { createKeys, type Keys } from '../../src/server/redis/keys';
import { planAppEvents, preloadAppEvents, type AppPlan } from './app-events';
import { BENCH_DURABILITY, type Clients } from './clients';
import type { Bench } from './contract';
import { fmt, PARTITIONS } from './measure';

export { catalogue as appCatalogue };

/** The app's events live under their own prefix, apart from the bench stream. */
export const appKeys = createKeys('bench-real-set');

export function appStore(redis: Redis, keys: Keys, db: Db): EventStore {
  return { redis, keys, catalogue, partitions: PARTITIONS, durability: BENCH_DURABILITY, personalKeys: (subjects) => ensureKeys(db, subjects) };
}

/** The app's projectors, archive and mailer included. The composition root reads the environment when imported: the runner has set it by now. */
export async function appProjectors(): Promise<ReadonlyArray<Projector>> {
  const { projectors } = await import('../../src/server/app/projectors');
  return projectors;
}

/** Plans `total` app events and appends them; returns the plan (what the read side must hold afterwards). */
export async function preloadApp(bench: Bench, clients: Clients, keys: Keys, total: number, limitMs: number, scenario: string): Promise<AppPlan> {
  bench.progress(scenario, 'planning the app events…');
  const plan = planAppEvents(total);
  const appended = await preloadAppEvents(appStore(clients.redis, keys, clients.db), plan, limitMs, (events) =>
    bench.progress(scenario, `preloading app events: ${fmt(events)} / ${fmt(plan.events)}…`),
  );
  const e = plan.expected;
  bench.log(
    `  preloaded ${fmt(appended.events)} app events in ${(appended.ms / 1000).toFixed(1)} s: ${e.organizations} organizations, ` +
      `${e.members} members, ${e.invitations} invitations, ${e.projects} projects, ${fmt(e.tasks)} tasks (${fmt(e.archivedTasks)} archived)`,
  );
  return plan;
}

/**
 * What is wrong with the read side after the app's projectors drained the
 * plan's events (empty: nothing). `names`: the projectors that ran.
 */
export async function realSetProblems(clients: Clients, keys: Keys, plan: AppPlan, names: ReadonlyArray<string>): Promise<string[]> {
  const { db, redis } = clients;
  const problems: string[] = [];
  const expect = async (what: string, query: Promise<Array<{ n: number }>>, wanted: number) => {
    const [row] = await query;
    if (row?.n !== wanted) problems.push(`${what}: ${row?.n ?? 'none'}, expected ${wanted}`);
  };
  const e = plan.expected;
  await expect('archived events', db.select({ n: count() }).from(eventLog), plan.events);
  await expect('organizations', db.select({ n: count() }).from(organizations), e.organizations);
  await expect('members', db.select({ n: count() }).from(memberships), e.members);
  await expect('invitations', db.select({ n: count() }).from(invitations), e.invitations);
  await expect('invitation mails', db.select({ n: count() }).from(devMailbox), e.invitations);
  await expect('projects', db.select({ n: count() }).from(projects), e.projects);
  await expect('tasks', db.select({ n: count() }).from(tasks), e.tasks);
  await expect('archived tasks', db.select({ n: count() }).from(tasks).where(eq(tasks.archived, true)), e.archivedTasks);
  await expect('dead letters', db.select({ n: count() }).from(deadLetters), 0);

  const checkpoints = await db.select().from(projectorCheckpoints).where(inArray(projectorCheckpoints.projector, [...names]));
  for (let partition = 0; partition < PARTITIONS; partition++) {
    const [tip] = (await redis.xRevRange(keys.stream(partition), '+', '-', { COUNT: 1 })) ?? [];
    if (!tip) continue;
    for (const name of names) {
      const at = checkpoints.find((c) => c.projector === name && c.partition === partition)?.lastId ?? '0-0';
      if (at !== tip.id) problems.push(`${name} stopped at ${at} on partition ${partition}, whose tip is ${tip.id}`);
    }
  }
  return problems;
}
