/**
 * The event catalogue (src/server/events/describe.ts): `npm run catalogue`
 * lists every event type of the app, with no services and no environment;
 * a new event, decider, projector or reactor shows up by itself; and the
 * page's query answers owners and admins (members are refused: G11).
 */
import { randomUUID } from 'node:crypto';
import { pgTable, text } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { stalePaths } from '~/server/app/live-queries';
import { catalogue, deciders } from '~/server/app/catalogue';
import { appEventCatalogue } from '~/server/app/event-catalogue';
import { projectors } from '~/server/app/projectors';
import { defineDecider } from '~/server/events/decider';
import { defineEvent, type EventDefinition } from '~/server/events/define-event';
import { describeEvents } from '~/server/events/describe';
import { renderCatalogueMarkdown } from '~/server/events/describe-markdown';
import { defineProjector, defineReactor } from '~/server/projectors/define-projector';
import { as, closeAppClientsAfterAll } from '../support/callers';
import { addMembers } from '../support/members';
import { runScript } from '../support/run-script';

closeAppClientsAfterAll();

/** The Markdown section of each event type, by type, from `### \`type\` vN` to the next heading. */
function sections(markdown: string): Map<string, { version: number; text: string }> {
  const found = new Map<string, { version: number; text: string }>();
  for (const part of markdown.split(/^(?=#{2,3} )/m)) {
    const heading = /^### `([^`]+)` v(\d+)\n/.exec(part);
    if (heading?.[1] && heading[2]) found.set(heading[1], { version: Number(heading[2]), text: part });
  }
  return found;
}

/** The names on a `- Label: `a`, `b`` line of a section. */
function namesOn(text: string, label: string): string[] {
  const line = text.split('\n').find((l) => l.startsWith(`- ${label}: `)) ?? '';
  return [...line.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '');
}

describe('npm run catalogue', () => {
  it('prints every event type with its version, description, aggregate, projectors and reactors, with no .env and no services', async () => {
    // Only what a shell has: no DATABASE_URL, REDIS_URL or AUTH_SECRET, as in a fresh clone with no .env.
    const run = await runScript('scripts/catalogue.ts', [], { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'development' });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const found = sections(run.stdout);
    // Each decider's events widened to one list type (the deciders are a tuple of differently typed lists).
    const aggregateOf = (definition: EventDefinition) => deciders.find((d) => (d.events satisfies ReadonlyArray<EventDefinition>).some((e: EventDefinition) => e === definition))?.name;
    expect([...found.keys()].sort()).toEqual([...catalogue.types].sort());
    for (const definition of catalogue.definitions) {
      const section = found.get(definition.type);
      const readers = projectors.filter((p) => !p.raw && p.handles(definition.type));
      expect(section?.version, definition.type).toBe(definition.version);
      expect(section?.text).toContain(`\n${definition.description}\n`);
      expect(namesOn(section?.text ?? '', 'Aggregate'), definition.type).toEqual([aggregateOf(definition)]);
      expect(namesOn(section?.text ?? '', 'Projectors'), definition.type).toEqual(readers.filter((p) => p.kind === 'projector').map((p) => p.name));
      expect(namesOn(section?.text ?? '', 'Reactors'), definition.type).toEqual(readers.filter((p) => p.kind === 'reactor').map((p) => p.name));
    }
    // Spot checks against what the code says today.
    expect(namesOn(found.get('invitation.created')?.text ?? '', 'Reactors')).toEqual(['invitation-mailer']);
    expect(namesOn(found.get('task.moved')?.text ?? '', 'Projectors')).toEqual(expect.arrayContaining(['board', 'activity', 'dashboard']));
    expect(run.stdout).toContain('Every event, whatever its type, is also read by `archive`.');
  });
});

describe('a new event type', () => {
  const flagRaised = defineEvent({
    type: 'flag.raised',
    version: 1,
    description: 'Emitted when someone raises a flag on anything in the organization.',
    example: { reason: 'Looks wrong', severity: 2, tags: ['billing'], where: { page: '/o/1' } },
    data: z.object({
      reason: z.string().min(1).max(200),
      severity: z.number().int().min(1).max(3),
      tags: z.array(z.enum(['billing', 'bug'])).max(3).default([]),
      where: z.object({ page: z.string(), line: z.number().int().optional() }),
    }),
  });
  const flagDecider = defineDecider({
    name: 'flag',
    events: [flagRaised],
    state: z.object({ raised: z.number() }),
    initialState: { raised: 0 },
    evolve: (state) => ({ raised: state.raised + 1 }),
    decide: (_command: { type: 'raise' }) => [],
  });
  const flagBoard = defineProjector({ name: 'flag-board', events: [flagRaised], tables: [pgTable('flags', { id: text('id').primaryKey() })], handlers: { 'flag.raised': async () => undefined } });
  const flagMailer = defineReactor({ name: 'flag-mailer', events: [flagRaised], handlers: { 'flag.raised': async () => undefined } });

  it('is listed with its aggregate, fields, handlers and views once its decider and readers are registered', () => {
    const described = describeEvents({
      deciders: [...deciders, flagDecider],
      projectors: [...projectors, flagBoard, flagMailer],
      viewsOf: (projector) => (projector === 'flag-board' ? ['flags'] : stalePaths({ projector })),
    });
    expect(described.events).toHaveLength(catalogue.types.length + 1);
    expect(described.events.find((e) => e.type === 'flag.raised')).toEqual({
      type: 'flag.raised',
      version: 1,
      description: 'Emitted when someone raises a flag on anything in the organization.',
      aggregate: 'flag',
      fields: [
        { name: 'reason', type: 'string', required: true, constraints: ['1–200 characters'] },
        { name: 'severity', type: 'integer', required: true, constraints: ['≥ 1', '≤ 3'] },
        { name: 'tags', type: '("billing" | "bug")[]', required: false, constraints: ['at most 3 items', 'default []'] },
        { name: 'where', type: 'object', required: true, constraints: [] },
        { name: 'where.page', type: 'string', required: true, constraints: [] },
        { name: 'where.line', type: 'integer', required: false, constraints: [] },
      ],
      example: { reason: 'Looks wrong', severity: 2, tags: ['billing'], where: { page: '/o/1' } },
      projectors: ['flag-board'],
      reactors: ['flag-mailer'],
      views: ['flags'],
    });
    const section = sections(renderCatalogueMarkdown(described)).get('flag.raised');
    expect(namesOn(section?.text ?? '', 'Projectors')).toEqual(['flag-board']);
    expect(namesOn(section?.text ?? '', 'Reactors')).toEqual(['flag-mailer']);
    expect(section?.text).toContain('| `where.page` | string | yes |');
  });

  it('a type listed by two deciders is refused', () => {
    const twice = defineDecider({ ...flagDecider, name: 'flag-copy' });
    expect(() => describeEvents({ deciders: [flagDecider, twice], projectors: [], viewsOf: () => [] })).toThrow(
      'Event type "flag.raised" is listed by both "flag" and "flag-copy".',
    );
  });
});

describe('catalogue.events (the event catalogue page)', () => {
  it('answers owners and admins with every event type; members are refused', async () => {
    const owner = as('owner');
    const admin = as('admin');
    const member = as('member');
    const { id: organizationId } = await owner.api.organizations.create({ name: 'Catalogue', slug: `catalogue-${randomUUID().slice(0, 8)}` });
    await addMembers(organizationId, owner.session.user.id, [
      { userId: admin.session.user.id, email: admin.session.user.email, role: 'admin' },
      { userId: member.session.user.id, email: member.session.user.email },
    ]);
    const answer = await admin.api.catalogue.events({ organizationId });
    expect(answer).toEqual(appEventCatalogue());
    expect(answer.events.map((e) => e.type)).toEqual([...catalogue.types]);
    expect(answer.events.find((e) => e.type === 'task.moved')).toMatchObject({ aggregate: 'task', views: expect.arrayContaining(['tasks.board']) });
    await expect(owner.api.catalogue.events({ organizationId })).resolves.toEqual(answer);
    await expect(member.api.catalogue.events({ organizationId })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
