/**
 * The app's own events for the real-set drain and the rebuild: organizations
 * whose owner invites people (most accept, one is revoked, one stays pending,
 * one member is promoted, one leaves), three projects, then tasks created in
 * windows of eight and worked on in turn: moved across the columns, edited,
 * assigned to members, labeled, some archived and a few restored.
 *
 * Every command goes through its aggregate's real decider (`decide`, with the
 * events' `.create(...)`), the state after `evolve` is stored beside the new
 * version, and each append states the version it decided on: the log is one
 * the app itself could have written. Planning is pure and happens first, so
 * the preload knows exactly what the read tables must hold afterwards.
 *
 * Edit it when a feature gains an event worth measuring: add its command to
 * the organization or task script below.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { appendEvents, type AppendStream, type EventStore } from '../../src/server/events/append';
import { fold, type CommandContext, type Decider } from '../../src/server/events/decider';
import type { EventDefinition } from '../../src/server/events/define-event';
import { organizationDecider, type Actor } from '../../src/server/modules/organizations/commands';
import type { Status } from '../../src/server/modules/tasks/events';
import { projectDecider, taskDecider } from '../../src/server/modules/tasks/commands';
import { partitionOf } from '../../src/server/redis/keys';
import { IN_FLIGHT, PARTITIONS, runPool } from './measure';

/** One command's append, ready to send. */
interface Step {
  actorId: string;
  stream: AppendStream;
  claims?: ReadonlyArray<{ scope: string; value: string; owner: string }>;
}

/** What the read tables must hold once every projector has caught up with the plan. */
export interface Expected {
  organizations: number;
  members: number;
  invitations: number;
  projects: number;
  tasks: number;
  archivedTasks: number;
}

export interface AppPlan {
  organizations: Array<{ id: string; steps: Step[] }>;
  events: number;
  expected: Expected;
}

const TASKS_PER_ORGANIZATION = 150;
const TASK_WINDOW = 8;
const INVITES = 6;
const ACCEPTED = 4;
const PROJECTS = 3;

/** Every aggregate of one decider, at its version and state, as the event store would hold them. */
class Aggregates<S, C, D extends readonly EventDefinition[]> {
  private readonly current = new Map<string, { version: number; state: S }>();
  constructor(private readonly decider: Decider<S, C, D>) {}

  state(aggregateId: string): S {
    return this.current.get(aggregateId)?.state ?? this.decider.initialState;
  }

  states(): S[] {
    return [...this.current.values()].map((a) => a.state);
  }

  /** The command's append, or null when the decider says nothing changes. */
  decide(aggregateId: string, command: C, context: CommandContext): AppendStream | null {
    const at = this.current.get(aggregateId) ?? { version: 0, state: this.decider.initialState };
    const events = this.decider.decide(command, at.state, context);
    if (events.length === 0) return null;
    const state = fold(this.decider, at.state, events);
    this.current.set(aggregateId, { version: at.version + events.length, state });
    return { aggregateId, expectedVersion: at.version, events, state: { type: this.decider.name, value: state } };
  }
}

/** An id whose organization lands on `partition`, so a few organizations still spread over every stream. */
function organizationIdOn(partition: number): string {
  for (;;) {
    const id = randomUUID();
    if (partitionOf(id, PARTITIONS) === partition) return id;
  }
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A task's work after it was created, in order; the task index picks a plausible mix. */
function followUps(i: number): ReadonlyArray<'doing' | 'done' | 'edit' | 'assign' | 'label' | 'archive' | 'restore'> {
  const moved = i % 4 !== 0;
  return [
    ...(moved ? (['doing'] as const) : []),
    ...(i % 3 === 1 ? (['edit'] as const) : []),
    ...(i % 2 === 0 ? (['assign'] as const) : []),
    ...(i % 3 === 2 ? (['label'] as const) : []),
    ...(moved && i % 3 === 0 ? (['done'] as const) : []),
    ...(i % 10 === 9 ? (['archive'] as const) : []),
    ...(i % 40 === 19 ? (['restore'] as const) : []),
  ];
}

/**
 * Plans organizations until the log holds `total` events (the last one may stop mid-way: a prefix of a history is a history).
 * `label` starts every organization's slug: plans appended to one log need labels of their own.
 */
export function planAppEvents(total: number, now = new Date(), label = 'bench'): AppPlan {
  const organizations = new Aggregates(organizationDecider);
  const projects = new Aggregates(projectDecider);
  const tasks = new Aggregates(taskDecider);
  const plan: AppPlan['organizations'] = [];
  let events = 0;

  for (let n = 0; events < total; n++) {
    const organizationId = organizationIdOn(n % PARTITIONS);
    const steps: Step[] = [];
    plan.push({ id: organizationId, steps });
    const owner: Actor = { userId: `bench-user-${n}-owner`, email: `owner@org-${n}.example.com` };
    /** Appends the command's events as a step; false once the plan holds enough events. */
    const run = <S, C, D extends readonly EventDefinition[]>(book: Aggregates<S, C, D>, aggregateId: string, command: C, actor = owner, claims?: Step['claims']) => {
      if (events >= total) return false;
      const stream = book.decide(aggregateId, command, { actor, now });
      if (stream) {
        steps.push({ actorId: actor.userId, stream, claims });
        events += stream.events.length;
      }
      return true;
    };

    const slug = `${label}-org-${n}`;
    run(organizations, organizationId, { type: 'create', name: `Bench organization ${n}`, slug }, owner, [
      { scope: 'organization-slug', value: `slug:${slug}`, owner: organizationId },
    ]);
    const invitees = Array.from({ length: INVITES }, (_, k) => {
      const token = randomBytes(16).toString('hex');
      const invitee: Actor = { userId: `bench-user-${n}-${k}`, email: `person-${k}@org-${n}.example.com` };
      const invitationId = randomUUID();
      run(organizations, organizationId, { type: 'invite', invitationId, email: invitee.email, role: k === 0 ? 'admin' : 'member', tokenHash: sha256(token) });
      return { invitee, invitationId, tokenHash: sha256(token) };
    });
    for (const { invitee, invitationId, tokenHash } of invitees.slice(0, ACCEPTED)) {
      run(organizations, organizationId, { type: 'accept-invitation', invitationId, tokenHash }, invitee);
    }
    const [revoked] = invitees.slice(ACCEPTED);
    if (revoked) run(organizations, organizationId, { type: 'revoke-invitation', invitationId: revoked.invitationId });
    const [, promoted, , leaving] = invitees;
    if (promoted) run(organizations, organizationId, { type: 'change-role', userId: promoted.invitee.userId, role: 'admin' });
    run(organizations, organizationId, { type: 'rename', name: `Bench organization ${n} (renamed)` });
    if (leaving) run(organizations, organizationId, { type: 'leave' }, leaving.invitee);

    const projectIds = Array.from({ length: PROJECTS }, () => randomUUID());
    projectIds.forEach((id, k) => run(projects, id, { type: 'create', name: `Project ${k + 1}` }));
    if (projectIds[0]) run(projects, projectIds[0], { type: 'rename', name: 'Project 1 (renamed)' });

    // The last rank in each (project, column): new and moved tasks go to the bottom.
    const lastRank = new Map<string, string | null>();
    const bottom = (projectId: string, status: Status) => ({ status, after: lastRank.get(`${projectId}/${status}`) ?? null, before: null });
    const landed = (projectId: string, status: Status, taskId: string) => lastRank.set(`${projectId}/${status}`, tasks.state(taskId)?.rank ?? null);
    for (let first = 0; first < TASKS_PER_ORGANIZATION && events < total; first += TASK_WINDOW) {
      const window = Array.from({ length: Math.min(TASK_WINDOW, TASKS_PER_ORGANIZATION - first) }, (_, k) => {
        const i = first + k;
        return { i, id: randomUUID(), projectId: projectIds[i % PROJECTS] ?? '', work: followUps(i) };
      });
      for (const task of window) {
        const title = `Task ${task.i + 1} of organization ${n}`;
        const description = task.i % 2 ? 'Steps to reproduce, then what we expect.' : '';
        run(tasks, task.id, { type: 'create', projectId: task.projectId, title, description, placement: bottom(task.projectId, 'todo') });
        landed(task.projectId, 'todo', task.id);
      }
      // Round-robin over the window: the board is worked on a bit at a time, not one task at a time.
      for (let round = 0; window.some((t) => t.work.length > round); round++) {
        for (const task of window) {
          const work = task.work[round];
          if (work === 'doing' || work === 'done') {
            run(tasks, task.id, { type: 'move', placement: bottom(task.projectId, work) });
            landed(task.projectId, work, task.id);
          } else if (work === 'edit') run(tasks, task.id, { type: 'edit', title: `Task ${task.i + 1}, clarified`, description: 'What changed and why.' });
          else if (work === 'assign') {
            const members = organizations.state(organizationId)?.members ?? [];
            const assignee = members[Math.floor(task.i / 2) % members.length];
            if (assignee) run(tasks, task.id, { type: 'assign', assigneeId: assignee.userId, memberIds: new Set(members.map((m) => m.userId)) });
          } else if (work === 'label') run(tasks, task.id, { type: 'label', labels: task.i % 2 ? ['bug'] : ['feature', 'ui'] });
          else if (work === 'archive') run(tasks, task.id, { type: 'archive' });
          else if (work === 'restore') run(tasks, task.id, { type: 'restore' });
        }
      }
    }
  }

  const orgStates = organizations.states().flatMap((s) => (s ? [s] : []));
  const taskStates = tasks.states().flatMap((s) => (s ? [s] : []));
  return {
    organizations: plan,
    events,
    expected: {
      organizations: orgStates.length,
      members: orgStates.reduce((sum, s) => sum + s.members.length, 0),
      invitations: orgStates.reduce((sum, s) => sum + s.invitations.length, 0),
      projects: projects.states().filter(Boolean).length,
      tasks: taskStates.length,
      archivedTasks: taskStates.filter((t) => t.archived).length,
    },
  };
}

/** Appends the plan, one organization per caller (its commands in order), up to 64 organizations at a time. */
export async function preloadAppEvents(store: EventStore, plan: AppPlan, limitMs: number, onProgress: (events: number) => void) {
  let appended = 0;
  const measured = await runPool(plan.organizations.length, IN_FLIGHT, limitMs, async (_, index) => {
    const organization = plan.organizations[index];
    if (!organization) return 0;
    for (const step of organization.steps) {
      await appendEvents(store, { organizationId: organization.id, actorId: step.actorId, streams: [step.stream], claims: step.claims });
      appended += step.stream.events.length;
      if (appended % 1_000 < step.stream.events.length) onProgress(appended);
    }
    return organization.steps.length;
  });
  if (measured.cut || appended !== plan.events) {
    throw new Error(`the app preload stopped at ${appended} of ${plan.events} events after ${Math.round(measured.ms / 1000)} s`);
  }
  return { ...measured, events: appended };
}
