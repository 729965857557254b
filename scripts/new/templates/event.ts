/**
 * The pieces `npm run new:event` adds to a feature. What only the developer
 * can decide is left as a `TODO_…` name that does not exist, so the project
 * stops compiling exactly there, and `npm run typecheck` lists each one
 * beside the switches that must handle the new event.
 */
import { snake, withArticle } from '../names';

export interface EventPieces {
  type: string;
  constName: string;
  command: string;
  procedure: string;
  aggregateWords: string;
  decider: string;
  /** The aggregate's first event (its creation, by habit): the "given" of the spec. */
  first: { constName: string; type: string };
  /** The input naming the aggregate (`taskId`); null for the organization itself, which is `ctx.organizationId`. */
  id: string | null;
}

const placeholderWords = (type: string) => snake(type.replace('.', '-'));

/** The placeholder a projector that lists the aggregate's events gets for the new one. */
export const handlerPlaceholder = (type: string, projector: string) => `TODO_handle_${placeholderWords(type)}_in_${snake(projector)}`;

export const descriptionPlaceholder = (type: string) => `TODO_say_when_${placeholderWords(type)}_is_emitted`;

export const eventDefinition = (p: EventPieces) => `export const ${p.constName} = defineEvent({
  type: '${p.type}',
  version: 1,
  description: ${descriptionPlaceholder(p.type)}, // 'Emitted when …', one or two sentences
  example: {}, // data of this version, as an example for the event catalogue
  data: z.object({}), // its fields; text a person types goes through userText (~/lib/text)
});`;

/** The command's member of the aggregate's command union. */
export const commandMember = (p: EventPieces) => `{ type: '${p.command}' /* and its fields */ }`;

export const procedureStub = (p: EventPieces) =>
  `/** The ${p.command} command on ${withArticle(p.aggregateWords)}: appends ${p.type} when its decider agrees. */\n` +
  `${p.procedure}: organizationProcedure\n` +
  (p.id
    ? `  .input(z.object({ ${p.id}: z.uuid('Unknown ${p.aggregateWords}.') }))\n  .mutation(({ ctx, input }) => runCommand(ctx, ${p.decider}, input.${p.id}, { type: '${p.command}' }))`
    : `  .mutation(({ ctx }) => runCommand(ctx, ${p.decider}, ctx.organizationId, { type: '${p.command}' }))`);

/** A given/when/then spec of a decider, self-contained (it brings its own context), for appending to a spec file. */
export const specBlock = (s: { title: string; it: string; decider: string; given: string; command: string; then: string }) => `
describe('${s.title}', () => {
  const context = { actor: { userId: 'ada', email: 'ada@example.com' }, now: new Date('2026-01-01T00:00:00Z') };
  it('${s.it}', () => {
    const state = fold(${s.decider}, ${s.decider}.initialState, ${s.given});
    expect(${s.decider}.decide(${s.command}, state, context)).toEqual(${s.then});
  });
});
`;

export const specArgs = (p: EventPieces) => ({
  title: p.type,
  it: `given ${withArticle(p.aggregateWords)}, when ${p.command}, then ${p.type}`,
  decider: p.decider,
  given: `[{ type: '${p.first.type}', data: ${p.first.constName}.example }]`,
  command: `{ type: '${p.command}' }`,
  then: `[{ type: '${p.type}', data: ${p.constName}.example }]`,
});

export const specFileHeader = (p: EventPieces) => `/** Given/when/then specs of the ${p.aggregateWords} decider: pure, no database. */
import { describe, expect, it } from 'vitest';
import { fold } from '~/server/events/decider';
`;

/** Where the stored-event fixture of a type's version lives (test/integration/event-fixtures.test.ts decodes each). */
export const fixturePath = (type: string, version = 1) => `test/fixtures/events/${type}.v${version}.json`;

/** A stored envelope of the type at version 1, shaped like its neighbours, with `data` as stored. */
export const eventFixture = (type: string, data: Record<string, unknown>) =>
  `${JSON.stringify(
    {
      id: '0190f5a2-8e3f-7b40-8b5c-0000000000f1',
      type,
      v: 1,
      aggregateId: '0190f5a2-7d2e-7a3f-9a4b-5e6f708192f1',
      aggregateVersion: 1,
      organizationId: '0190f5a2-5a0c-7b1d-8e2f-3c4d5e6f7081',
      actorId: 'user-ada',
      correlationId: '0190f5a2-8e3f-7b40-8b5c-0000000000f1',
      causationId: null,
      occurredAt: '2025-01-01T09:30:00.000Z',
      data,
    },
    null,
    2,
  )}\n`;
