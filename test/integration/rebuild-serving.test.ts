/**
 * A rebuild while the app serves: with 20,000 of the app's events in the
 * log, the board is rebuilt while readers keep querying it, new events keep
 * being appended and the live projectors keep draining them. Every query
 * answers, never with an empty or half-built table, and afterwards the board
 * holds every event, those appended during the rebuild included.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { planAppEvents, type AppPlan } from '../../scripts/bench/app-events';
import { closeAppClientsAfterAll } from '../support/callers';
import { appendAppEvents } from '../support/app-events';
import { caughtUp, projectionState, rebuildDifferences } from '../support/read-side';
import { env } from '~/env';
import { catalogue } from '~/server/app/catalogue';
import { eventStore } from '~/server/app/event-store';
import { catchUpAll, createAppRuntime, projectorNames } from '~/server/app/projectors';
import { runAppRebuild } from '~/server/app/projection-rebuilds';
import { db } from '~/server/db';
import { appendEvents } from '~/server/events/append';
import { boardOf, projectsOf } from '~/server/modules/tasks/read-models/board';
import type { RebuildProgress } from '~/server/projectors/rebuild';
import { getRedis, keys } from '~/server/redis';

closeAppClientsAfterAll();

let first: AppPlan;
beforeAll(async () => {
  first = await appendAppEvents(20_000);
  await catchUpAll(300_000);
}, 400_000);

const countOf = async (what: 'tasks' | 'projects' | 'archived') => {
  const query = what === 'archived' ? sql`select count(*)::int as n from tasks where archived` : sql`select count(*)::int as n from ${sql.identifier(what)}`;
  return (await db.execute<{ n: number }>(query))[0]?.n ?? -1;
};

/** Appends a plan's steps one after another (each organization's in order) until they are all in; `appended()` counts the events so far. */
function appendInTurn(plan: AppPlan) {
  let appended = 0;
  const done = (async () => {
    for (const organization of plan.organizations) {
      for (const step of organization.steps) {
        await appendEvents(eventStore(), { organizationId: organization.id, actorId: step.actorId, streams: [step.stream], claims: step.claims });
        appended += step.stream.events.length;
      }
    }
  })();
  return { done, appended: () => appended };
}

describe('rebuilding the board while the app serves', () => {
  it('answers every query from whole tables throughout, and ends with every event', { timeout: 400_000 }, async () => {
    const organizationId = first.organizations[0]?.id ?? '';
    const [project] = await projectsOf(db, organizationId);
    const board = await boardOf(db, organizationId, project?.id ?? '');
    expect(board.length, 'a project with tasks to watch').toBeGreaterThan(20);
    const tasksBefore = await countOf('tasks');
    expect(tasksBefore).toBe(first.expected.tasks);

    // The live side: a drain loop like a worker's, and appends of a second plan one at a time.
    let draining = true;
    const runtime = createAppRuntime(`live-${randomUUID().slice(0, 8)}`);
    const drainer = (async () => {
      while (draining) {
        const { events } = await runtime.drain({ maxMs: 500, maxEvents: 5_000 });
        if (events === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await runtime.releaseAll();
    })();
    const second = planAppEvents(1_500, new Date(), `during-${randomUUID().slice(0, 8)}`);
    const appends = appendInTurn(second);

    // Readers: the board of one project through the app's query, and the number of tasks, again and again.
    let reading = true;
    const failures: string[] = [];
    let queries = 0;
    const reader = async () => {
      let lastCount = tasksBefore;
      while (reading) {
        try {
          const [seen, count] = await Promise.all([boardOf(db, organizationId, project?.id ?? ''), countOf('tasks')]);
          if (JSON.stringify(seen) !== JSON.stringify(board)) failures.push(`the watched board had ${seen.length} tasks, not the ${board.length} it has`);
          if (count < lastCount) failures.push(`tasks went from ${lastCount} down to ${count}`);
          lastCount = count;
          queries += 1;
        } catch (error) {
          failures.push(`a query failed: ${String(error)}`);
        }
      }
    };
    const readers = [reader(), reader()];

    const appendedAtStart = appends.appended();
    const progress: RebuildProgress[] = [];
    const result = await runAppRebuild('board', { requestedBy: 'test', onProgress: (p) => progress.push(p) });
    const appendedDuring = appends.appended() - appendedAtStart;
    reading = false;
    await Promise.all(readers);
    console.info(`board rebuilt while serving: ${result.events} events in ${(result.ms / 1000).toFixed(1)} s; ${appendedDuring} events appended and ${queries} reads answered meanwhile`);

    expect(failures.slice(0, 5)).toEqual([]);
    expect(queries, 'readers kept querying').toBeGreaterThan(10);
    expect(appendedDuring, 'events were appended while the rebuild ran').toBeGreaterThan(0);
    expect(result.events).toBeGreaterThan(20_000);
    expect(progress.at(-1)).toMatchObject({ finished: true });
    expect(progress.some((p) => !p.finished && p.done > 0 && p.done < p.total && p.perSecond > 0 && p.secondsLeft !== null)).toBe(true);

    await appends.done;
    draining = false;
    await drainer;
    await catchUpAll(120_000);
    expect(await countOf('tasks')).toBe(first.expected.tasks + second.expected.tasks);
    expect(await countOf('projects')).toBe(first.expected.projects + second.expected.projects);
    expect(await countOf('archived')).toBe(first.expected.archivedTasks + second.expected.archivedTasks);
    const state = await projectionState({ db, redis: getRedis(), keys, partitions: env.EVENT_PARTITIONS, projectorNames });
    expect(caughtUp(state), JSON.stringify(state.behind.slice(0, 3))).toBe(true);
    expect(state.deadLetters).toBe(0);
    // Every read model equals a replay of the whole archive, the events appended during the rebuild included.
    expect(await rebuildDifferences(db, catalogue, projectorNames)).toEqual([]);
  });
});
