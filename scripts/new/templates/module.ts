/**
 * The files of a new feature module (`npm run new:module`): one aggregate
 * with a creation event, its decider and given/when/then spec, a router
 * with a creating mutation and a list query, and an integration test. The
 * read model comes from ./read-model.ts. Each template is a function of the
 * names, so every generated module reads like the hand-written ones.
 */
import { aggregateNames, camel, pascal, prose, withArticle } from '../names';

export function moduleNames(feature: string, aggregate: string) {
  const agg = aggregateNames(aggregate);
  return {
    feature,
    featureCamel: camel(feature),
    featureWords: prose(feature),
    router: `${camel(feature)}Router`,
    agg,
    Agg: pascal(aggregate),
    created: { constName: `${camel(aggregate)}Created`, type: `${aggregate}.created` },
    nameSchema: `${camel(aggregate)}NameSchema`,
    query: `${camel(feature)}Of`,
  };
}
export type ModuleNames = ReturnType<typeof moduleNames>;

export const eventsFile = (n: ModuleNames) => `/**
 * Events of ${n.featureWords}. A ${n.agg.words} is an aggregate of its own (aggregate id =
 * ${n.agg.words} id); every event also carries the organization, so all of one
 * organization's ${n.featureWords} live in its partition.
 *
 * Add an event: \`npm run new:event -- ${n.feature} ${n.agg.aggregate}.<what-happened>\`.
 */
import { z } from 'zod';
import { userText } from '~/lib/text';
import { defineEvent } from '~/server/events/define-event';

export const ${n.nameSchema} = userText({ label: 'name', min: 1, max: 200 });

export const ${n.created.constName} = defineEvent({
  type: '${n.created.type}',
  version: 1,
  description: 'Emitted when a member creates ${withArticle(n.agg.words)}.',
  example: { name: 'The first ${n.agg.words}' },
  data: z.object({ name: ${n.nameSchema} }),
});

/** The events of each aggregate, in the order they were added. */
export const ${n.agg.events} = [${n.created.constName}] as const;
`;

export const commandsFile = (n: ModuleNames) => `/**
 * The ${n.agg.words} aggregate's write side (a decider): its state, \`evolve\`, and
 * decisions as pure functions of the state and the command. No database, no
 * Redis, no clock.
 *
 * Add a command: \`npm run new:event -- ${n.feature} ${n.agg.aggregate}.<what-happened>\`, then
 * decide it here: \`npm run typecheck\` points at \`evolve${n.Agg}\` and \`decide${n.Agg}\`.
 */
import { z } from 'zod';
import { AppError } from '~/server/errors';
import { defineDecider, unhandled, type DecidedEvent } from '~/server/events/decider';
import { ${n.created.constName}, ${n.agg.events} } from './events';

const ${camel(n.agg.aggregate)}StateSchema = z.object({ name: z.string() });
export type ${n.agg.state} = z.infer<typeof ${camel(n.agg.aggregate)}StateSchema>;
type ${n.agg.event} = DecidedEvent<typeof ${n.agg.events}>;

export type ${n.agg.command} =
  | { type: 'create'; name: string };

export function create${n.Agg}(input: { name: string }): ${n.agg.event}[] {
  return [${n.created.constName}.create({ name: input.name })];
}

/** The ${n.agg.words} after one of its events. */
export function evolve${n.Agg}(state: ${n.agg.state} | null, event: ${n.agg.event}): ${n.agg.state} | null {
  switch (event.type) {
    case '${n.created.type}':
      return { name: event.data.name };
    default:
      return unhandled(event);
  }
}

export function decide${n.Agg}(command: ${n.agg.command}, state: ${n.agg.state} | null): ${n.agg.event}[] {
  switch (command.type) {
    case 'create':
      if (state) throw new AppError('CONFLICT', 'That ${n.agg.words} exists already.');
      return create${n.Agg}(command);
  }
}

export const ${n.agg.decider} = defineDecider({
  name: '${n.agg.aggregate}',
  events: ${n.agg.events},
  state: ${camel(n.agg.aggregate)}StateSchema.nullable(),
  initialState: null,
  evolve: evolve${n.Agg},
  decide: decide${n.Agg},
});
`;

export const commandsTestFile = (n: ModuleNames) => `/** Given/when/then specs of the ${n.agg.words} decider: pure, no database. */
import { describe, expect, it } from 'vitest';
import { fold } from '~/server/events/decider';
import { ${n.agg.decider} } from './commands';
import { ${n.created.constName} } from './events';

const context = { actor: { userId: 'ada', email: 'ada@example.com' }, now: new Date('2026-01-01T00:00:00Z') };
const given = (...events: Parameters<typeof ${n.agg.decider}.evolve>[1][]) => fold(${n.agg.decider}, ${n.agg.decider}.initialState, events);

describe('${n.created.type}', () => {
  it('given no ${n.agg.words}, when one is created, then ${n.created.type}', () => {
    expect(${n.agg.decider}.decide({ type: 'create', name: 'Ship it' }, given(), context)).toEqual([{ type: '${n.created.type}', data: { name: 'Ship it' } }]);
  });
  it('given ${withArticle(n.agg.words)}, when it is created again, then CONFLICT', () => {
    const state = given({ type: '${n.created.type}', data: ${n.created.constName}.example });
    expect(() => ${n.agg.decider}.decide({ type: 'create', name: 'Again' }, state, context)).toThrow(/exists already/);
  });
});
`;

export const routerFile = (n: ModuleNames, readModel: string) => `/**
 * The ${n.featureWords} procedures, each scoped to an organization the caller
 * belongs to (organizationProcedure). Commands decide from the write side
 * (./commands.ts) through the one command handler; queries read the
 * ${n.featureWords} read model, filtered by the organization.
 */
import { z } from 'zod';
import { router } from '~/server/api/trpc';
import { runCommand } from '~/server/commands/handler';
import { newId } from '~/server/commands/idempotency';
import { organizationProcedure } from '~/server/modules/organizations/procedures';
import { ${n.agg.decider} } from './commands';
import { ${n.nameSchema} } from './events';
import { ${n.query} } from './read-models/${readModel}';

/** Creating procedures take one: a retry with the same key creates nothing more and answers the first result (~/server/commands/idempotency). */
const idempotencyKey = z.uuid().optional();

export const ${n.router} = router({
  /** The organization's ${n.featureWords}, newest first. */
  list: organizationProcedure.query(({ ctx }) => ${n.query}(ctx.db, ctx.organizationId)),

  create: organizationProcedure
    .input(z.object({ name: ${n.nameSchema}, idempotencyKey }))
    .mutation(({ ctx, input }) => {
      const ${n.agg.id} = newId(ctx.session.user.id, input.idempotencyKey, '${n.agg.aggregate}', ctx.organizationId);
      return runCommand(ctx, ${n.agg.decider}, ${n.agg.id}, { type: 'create', name: input.name }, { idempotencyKey: input.idempotencyKey });
    }),
});
`;

export const integrationTestFile = (n: ModuleNames) => `/**
 * The ${n.featureWords} module against real Redis and PostgreSQL: a create appends
 * ${n.created.type} once, and the read model has it when the mutation returns
 * (read-your-writes).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { as, closeAppClientsAfterAll } from '../support/callers';

closeAppClientsAfterAll();

async function organization() {
  const owner = as('owner');
  const { id: organizationId } = await owner.api.organizations.create({ name: 'Acme', slug: \`acme-\${randomUUID().slice(0, 8)}\` });
  return { owner, organizationId };
}

describe('${n.featureWords}', () => {
  it('create appends ${n.created.type}, and the list shows it when the mutation returns', async () => {
    const { owner, organizationId } = await organization();
    const created = await owner.api.${n.featureCamel}.create({ organizationId, name: 'Ship it' });
    expect(created).toMatchObject({ changed: true, settled: true });
    await expect(owner.api.${n.featureCamel}.list({ organizationId })).resolves.toMatchObject([{ id: created.id, name: 'Ship it' }]);
  });

  it('a retried create with the same idempotency key creates one ${n.agg.words}', async () => {
    const { owner, organizationId } = await organization();
    const input = { organizationId, name: 'Once', idempotencyKey: randomUUID() };
    const [first, second] = [await owner.api.${n.featureCamel}.create(input), await owner.api.${n.featureCamel}.create(input)];
    expect(second.id).toBe(first.id);
    await expect(owner.api.${n.featureCamel}.list({ organizationId })).resolves.toHaveLength(1);
  });
});
`;
