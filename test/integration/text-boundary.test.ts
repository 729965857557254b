/**
 * G14: bad text never reaches the event log. Arbitrary strings (any UTF-16, lone
 * surrogates and NUL included) go through every procedure that takes text.
 * Each is either refused with a typed client error naming the field, writing
 * nothing, or accepted and then found exactly as normalized in every read
 * model that keeps it and in the archive (`event_log.data`), with no event
 * parked as a dead letter.
 */
import { randomUUID } from 'node:crypto';
import { getTRPCErrorShape, TRPCError, type AnyProcedure } from '@trpc/server';
import { and, eq, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectRegistered, inputFields, sampleInput, textFields } from '../support/registries';

// Hundreds of mutations by one user: the rate limit would refuse them before their input is read. Set before the app reads its environment.
process.env.RATE_LIMIT_MUTATIONS = '0';
const { appRouter } = await import('~/server/app/router');
const { db } = await import('~/server/db');
const { deadLetters, eventLog } = await import('~/server/db/event-core-schema');
const { activity, activityTaskTitles } = await import('~/server/modules/activity/read-models/feed');
const { invitations, organizations } = await import('~/server/modules/organizations/read-models/directory');
const { projects, tasks } = await import('~/server/modules/tasks/read-models/board');
const { append } = await import('~/server/app/event-store');
const { catalogue } = await import('~/server/app/catalogue');
const { envelopeOfRow } = await import('~/server/events/log');
const { sealedSubjects } = await import('~/server/events/personal');
const { findKeys } = await import('~/server/events/personal-keys');
const { writeSide } = await import('~/server/app/context');
const { loadState } = await import('~/server/commands/handler');
const { InvalidEventError } = await import('~/server/errors');
const { projectCreated, taskEdited } = await import('~/server/modules/tasks/events');
const { taskDecider } = await import('~/server/modules/tasks/commands');
const { as, closeAppClientsAfterAll } = await import('../support/callers');
const { projectorsCaughtUp, totalStreamLength } = await import('../support/app-progress');
const { boardWithTasks } = await import('../support/fixtures');

closeAppClientsAfterAll();

const RUNS = 40;

/** Parts that break naive text handling; joined at random and tried on their own. */
const NASTY_PARTS = ['\u0000', '\ud800', '\udbff', '\udc00', '\udfff', '\u0085', '\u0007', '\u007f', '\u200f', '\u200e', '\u202e', '\ufeff', '\ufffe', '\uffff', '\u2028', '🚀', '👩🏽‍💻', 'e\u0301', '\u0301', 'Z\u0335\u0321', 'שלום', '\r\n', '\r', '\n', '\t', ' ', '\u00a0', 'a'];

const anyText = fc.oneof(
  { arbitrary: fc.string({ unit: 'binary', maxLength: 100 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }), weight: 2 },
  { arbitrary: fc.array(fc.constantFrom(...NASTY_PARTS), { minLength: 1, maxLength: 12 }).map((parts) => parts.join('')), weight: 3 },
);

/** Text every field takes, whatever its limits. */
const MUST_ACCEPT = ['Ship it 🚀', 'Cafe\u0301', '\u200fשלום\u200e', 'Z\u0335\u0321algo', '  padded  ', '👩🏽‍💻'];
/** Text every field refuses. */
const MUST_REFUSE = ['\u0000', 'a\u0000b', '\ud800', 'a\udfff', '\udc00\ud800', 'next\u0085line', 'bell\u0007', '\uffff'];
const TEXT_EXAMPLES = [...MUST_ACCEPT, ...MUST_REFUSE, '', '   ', 'line\nbreak', 'tab\there', 'x'.repeat(81), 'e\u0301'.repeat(80), 'e\u0301'.repeat(81)];

/** What a stored value must be: NFC, trimmed if single-line, line breaks as LF if multiline. */
function normalized(text: string, multiline: boolean): string {
  return multiline ? text.replace(/\r\n?/g, '\n').normalize('NFC') : text.normalize('NFC').trim();
}

interface Case {
  path: string;
  field: string;
  arbitrary: fc.Arbitrary<string>;
  examples: string[];
  mustAccept: string[];
  mustRefuse: string[];
  /** The value the read models and the archive must hold for an accepted `text`. */
  stored: (text: string) => string;
  /** Calls the procedure with `text` in `field`; once accepted, returns the check of everything that stores it. */
  send: (text: string) => Promise<(stored: string) => Promise<void>>;
}

function textCase(c: Pick<Case, 'path' | 'field' | 'send'> & { multiline?: boolean }): Case {
  const multiline = c.multiline ?? false;
  const examples = multiline ? [...TEXT_EXAMPLES, 'one\r\ntwo\rthree', 'e\u0301'.repeat(5_000), '🚀'.repeat(2_501)] : TEXT_EXAMPLES;
  return { ...c, arbitrary: anyText, examples, mustAccept: MUST_ACCEPT, mustRefuse: MUST_REFUSE, stored: (text) => normalized(text, multiline) };
}

async function one<T>(rows: Promise<T[]>, what: string): Promise<T> {
  const [row] = await rows;
  if (!row) throw new Error(`${what} not found`);
  return row;
}

/** The archived event at a position a command returned. */
/** The archived event at `position`, its personal fields opened with their keys (the archive holds them sealed). */
async function archivedAt(position: { partition: number; id: string } | null) {
  if (!position) throw new Error('the command appended nothing');
  const row = await one(
    db.select().from(eventLog).where(and(eq(eventLog.partition, position.partition), eq(eventLog.streamId, position.id))),
    `archived event ${position.partition}/${position.id}`,
  );
  const fields = { e: JSON.stringify(envelopeOfRow(row)) };
  const decoded = catalogue.decode(fields, position, await findKeys(db, sealedSubjects([fields])));
  if (!decoded.ok) throw new Error(decoded.error);
  return { ...row, data: decoded.event.data };
}

async function summaryOf(eventId: string): Promise<string> {
  return (await one(db.select({ summary: activity.summary }).from(activity).where(eq(activity.eventId, eventId)), `activity of ${eventId}`)).summary;
}

async function deadLetterCount(): Promise<number> {
  return (await db.select({ n: sql<number>`count(*)::int` }).from(deadLetters))[0]?.n ?? -1;
}

const owner = as('text');
const api = owner.api;
const todo = { status: 'todo', after: null, before: null } as const;
let organizationId = '';
let projectId = '';
/** Tasks whose title, or description, the edit cases change. */
let titledTaskId = '';
let describedTaskId = '';
/** The task the label case labels. */
let labeledTaskId = '';

beforeAll(async () => {
  const board = await boardWithTasks({ owner, name: 'Text boundary', project: 'Strings', tasks: ['Retitle me', 'Describe me', 'Label me'] });
  ({ organizationId, projectId } = board);
  [titledTaskId, describedTaskId, labeledTaskId] = board.taskIds;
  await projectorsCaughtUp();
});

const taskRow = (id: string) => one(db.select().from(tasks).where(eq(tasks.id, id)), `task ${id}`);
const titleInFeed = async (taskId: string) => (await one(db.select().from(activityTaskTitles).where(eq(activityTaskTitles.taskId, taskId)), `feed title of ${taskId}`)).title;

const CASES: Case[] = [
  textCase({
    path: 'tasks.createProject',
    field: 'name',
    send: async (name) => {
      const { id, position } = await api.tasks.createProject({ organizationId, name });
      return async (stored) => {
        const project = await one(db.select().from(projects).where(eq(projects.id, id)), `project ${id}`);
        expect(project.name).toBe(stored);
        const event = await archivedAt(position);
        expect(event).toMatchObject({ type: 'project.created', data: { name: stored } });
        expect(await summaryOf(event.eventId)).toBe(`created the project “${stored}”`);
      };
    },
  }),
  textCase({
    path: 'tasks.renameProject',
    field: 'name',
    send: async (name) => {
      const { changed, position } = await api.tasks.renameProject({ organizationId, projectId, name });
      return async (stored) => {
        const project = await one(db.select().from(projects).where(eq(projects.id, projectId)), `project ${projectId}`);
        expect(project.name).toBe(stored);
        if (!changed) return; // the same name again appends nothing
        const event = await archivedAt(position);
        expect(event).toMatchObject({ type: 'project.renamed', data: { name: stored } });
        expect(await summaryOf(event.eventId)).toBe(`renamed a project to “${stored}”`);
      };
    },
  }),
  textCase({
    path: 'tasks.create',
    field: 'title',
    send: async (title) => {
      const { id, position } = await api.tasks.create({ organizationId, projectId, title, placement: todo });
      return async (stored) => {
        expect((await taskRow(id)).title).toBe(stored);
        const event = await archivedAt(position);
        expect(event).toMatchObject({ type: 'task.created', data: { title: stored } });
        expect(await titleInFeed(id)).toBe(stored);
        expect(await summaryOf(event.eventId)).toBe(`created “${stored}” in To do`);
      };
    },
  }),
  textCase({
    path: 'tasks.create',
    field: 'description',
    multiline: true,
    send: async (description) => {
      const { id, position } = await api.tasks.create({ organizationId, projectId, title: 'Described', description, placement: todo });
      return async (stored) => {
        expect((await taskRow(id)).description).toBe(stored);
        expect(await archivedAt(position)).toMatchObject({ type: 'task.created', data: { description: stored } });
      };
    },
  }),
  textCase({
    path: 'tasks.edit',
    field: 'title',
    send: async (title) => {
      const { changed, position } = await api.tasks.edit({ organizationId, taskId: titledTaskId, title, description: '' });
      return async (stored) => {
        expect((await taskRow(titledTaskId)).title).toBe(stored);
        expect(await titleInFeed(titledTaskId)).toBe(stored);
        if (!changed) return;
        const event = await archivedAt(position);
        expect(event).toMatchObject({ type: 'task.edited', data: { title: stored } });
        const summary = await summaryOf(event.eventId);
        expect(summary.endsWith(`“${stored}”`), `${summary} names the new title`).toBe(true);
      };
    },
  }),
  textCase({
    path: 'tasks.edit',
    field: 'description',
    multiline: true,
    send: async (description) => {
      const { changed, position } = await api.tasks.edit({ organizationId, taskId: describedTaskId, title: 'Describe me', description });
      return async (stored) => {
        expect((await taskRow(describedTaskId)).description).toBe(stored);
        if (changed) expect(await archivedAt(position)).toMatchObject({ type: 'task.edited', data: { description: stored } });
      };
    },
  }),
  textCase({
    path: 'tasks.label',
    field: 'labels',
    send: async (label) => {
      const { changed, position } = await api.tasks.label({ organizationId, taskId: labeledTaskId, labels: [label] });
      return async (stored) => {
        expect((await taskRow(labeledTaskId)).labels).toEqual([stored]);
        if (changed) expect(await archivedAt(position)).toMatchObject({ type: 'task.labeled', data: { labels: [stored] } });
      };
    },
  }),
  textCase({
    path: 'account.rename',
    field: 'name',
    send: async (name) => {
      const { position } = await api.account.rename({ name });
      return async (stored) => {
        // Sealed in the archive: archivedAt opens it with the person's key.
        expect(await archivedAt(position)).toMatchObject({ type: 'user.renamed', data: { name: stored } });
      };
    },
  }),
  textCase({
    path: 'organizations.create',
    field: 'name',
    send: async (name) => {
      const { id } = await api.organizations.create({ name, slug: `t-${randomUUID().slice(0, 8)}` });
      return async (stored) => {
        const organization = await one(db.select().from(organizations).where(eq(organizations.id, id)), `organization ${id}`);
        expect(organization.name).toBe(stored);
        // Its last event is the creator joining; the name is in the first.
        const event = await one(db.select().from(eventLog).where(and(eq(eventLog.aggregateId, id), eq(eventLog.aggregateVersion, 1))), `first event of ${id}`);
        expect(event).toMatchObject({ type: 'organization.created', data: { name: stored } });
        expect(await summaryOf(event.eventId)).toBe(`created the organization “${stored}”`);
      };
    },
  }),
  textCase({
    path: 'organizations.rename',
    field: 'name',
    send: async (name) => {
      const { changed, position } = await api.organizations.rename({ organizationId, name });
      return async (stored) => {
        const organization = await one(db.select().from(organizations).where(eq(organizations.id, organizationId)), `organization ${organizationId}`);
        expect(organization.name).toBe(stored);
        if (!changed) return;
        const event = await archivedAt(position);
        expect(event).toMatchObject({ type: 'organization.renamed', data: { name: stored } });
        expect(await summaryOf(event.eventId)).toBe(`renamed the organization to “${stored}”`);
      };
    },
  }),
  {
    path: 'organizations.invite',
    field: 'email',
    // Addresses zod takes, with nasty parts put in somewhere, or any text at all.
    arbitrary: fc.oneof(
      fc.emailAddress(),
      fc.tuple(fc.emailAddress(), fc.constantFrom(...NASTY_PARTS), fc.nat()).map(([email, part, at]) => {
        const i = at % (email.length + 1);
        return `${email.slice(0, i)}${part}${email.slice(i)}`;
      }),
      anyText,
    ),
    examples: ['new@example.com', 'Mixed.Case@Example.COM', 'a\u0000b@example.com', 'a@exa\ud800mple.com', 'ünï@example.com', ' pad@example.com ', 'tab\t@example.com'],
    mustAccept: ['new@example.com', 'Mixed.Case@Example.COM'],
    mustRefuse: ['a\u0000b@example.com', 'a@exa\ud800mple.com'],
    stored: (email) => email.toLowerCase(),
    send: async (email) => {
      const { invitationId, position } = await api.organizations.invite({ organizationId, email, role: 'member' });
      return async (stored) => {
        const invitation = await one(db.select().from(invitations).where(eq(invitations.id, invitationId)), `invitation ${invitationId}`);
        expect(invitation.email).toBe(stored);
        const event = await archivedAt(position);
        expect(event).toMatchObject({ type: 'invitation.created', data: { invitationId, email: stored } });
        expect(await summaryOf(event.eventId)).toBe(`invited ${stored} as member`);
      };
    },
  },
];

/** The field errors a client would get for `error`, through the app's own error formatter. */
function fieldErrorsOf(error: TRPCError, path: string, input: unknown): Record<string, string[] | undefined> {
  const shape = getTRPCErrorShape({ config: appRouter._def._config, error, type: 'mutation', path, input, ctx: undefined });
  return shape.data.zodError?.fieldErrors ?? {};
}

describe('text boundary: every procedure that takes text refuses it cleanly or stores it exactly', () => {
  it('covers every text field of every procedure', () => {
    // At runtime the router's procedure record is flat, keyed by full path ('tasks.create'); its type describes the nested tree.
    const procedures = appRouter._def.procedures as unknown as Record<string, AnyProcedure>;
    const fields = Object.entries(procedures).flatMap(([path, procedure]) => textFields(procedure).map((f) => ({ ...f, path, procedure, name: `${path}.${f.field}` })));
    // Guards the search itself: one that found nothing would pass.
    expect(fields.map((f) => f.name)).toEqual(expect.arrayContaining(['tasks.create.title', 'tasks.create.description', 'tasks.label.labels']));
    const cased = CASES.map((c) => `${c.path}.${c.field}`);
    const missing = fields.filter((f) => !cased.includes(f.name));
    expectRegistered({
      what: 'text field',
      missing: missing.map((f) => f.name),
      file: 'test/integration/text-boundary.test.ts',
      table: 'CASES',
      line: (name) => {
        const f = missing.find((m) => m.name === name);
        if (!f) return name;
        const param = f.field.split('.').at(-1) ?? f.field;
        const value = f.list ? `[${param}]` : param;
        const input = sampleInput(f.procedure, { organizationId: 'organizationId', projectId: 'projectId', taskId: 'titledTaskId', [param]: value });
        const check = `if (position) expect(await archivedAt(position)).toMatchObject({ data: { ${param}: ${f.list ? '[stored]' : 'stored'} } });`;
        return `textCase({ path: '${f.path}', field: '${f.field}',${f.multiline ? ' multiline: true,' : ''} send: async (${param}) => { const { position } = await api.${f.path}(${input ?? ''}); return async (stored) => { ${check} }; } }),`;
      },
      note: 'It checks the archive when the command appended; add checks of every read model that keeps the text, as the other cases do.',
    });
    const unknown = CASES.filter((c) => {
      const procedure = procedures[c.path];
      return !procedure || !(c.field in inputFields(procedure));
    });
    expect(unknown.map((c) => `${c.path}.${c.field}`), 'these cases name no field of the router: remove or fix them').toEqual([]);
  });

  it.each(CASES.map((c) => [`${c.path} (${c.field})`, c] as const))('%s', async (_name, c) => {
    const seen = { accepted: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(c.arbitrary, async (text) => {
        const before = await totalStreamLength();
        const outcome = await c.send(text).then(
          (check) => ({ accepted: true as const, check }),
          (error: unknown) => ({ accepted: false as const, error }),
        );
        if (outcome.accepted) {
          seen.accepted++;
          expect(c.mustRefuse, `${c.path} accepted ${JSON.stringify(text)}`).not.toContain(text);
          await projectorsCaughtUp();
          await outcome.check(c.stored(text));
        } else {
          seen.refused++;
          expect(c.mustAccept, `${c.path} refused ${JSON.stringify(text)}: ${String(outcome.error)}`).not.toContain(text);
          expect(outcome.error).toBeInstanceOf(TRPCError);
          if (!(outcome.error instanceof TRPCError)) return;
          // The schema refuses bad text before anything runs: the form learns which field to fix.
          expect(outcome.error.code, `${c.path} answered ${outcome.error.code} for ${JSON.stringify(text)}`).toBe('BAD_REQUEST');
          expect(fieldErrorsOf(outcome.error, c.path, text)[c.field]?.length, `no field error for ${c.field}`).toBeGreaterThan(0);
          expect(await totalStreamLength(), `${c.path} appended events for refused text`).toBe(before);
        }
      }),
      { numRuns: RUNS, examples: c.examples.map((text): [string] => [text]) },
    );
    // Both ways were taken, so neither half of the property held vacuously.
    expect(seen.accepted).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
    await projectorsCaughtUp();
    expect(await deadLetterCount()).toBe(0);
  }, 120_000);
});

describe('text boundary: the event data schemas', () => {
  it('given bad text, when a draft is made or appended directly, then it is refused and nothing is appended', async () => {
    const before = await totalStreamLength();
    expect(() => taskEdited.create({ title: 'Ship\u0000it', description: '' })).toThrow(InvalidEventError);
    expect(() => projectCreated.create({ name: 'a\ud800' })).toThrow(InvalidEventError);
    const { version } = await loadState(writeSide(), taskDecider, organizationId, titledTaskId);
    for (const data of [{ title: 'Ship\u0000it', description: '' }, { title: 'ok', description: 'lone \udfff' }, { title: 'bell\u0007', description: '' }]) {
      const appended = append({ organizationId, actorId: owner.session.user.id, streams: [{ aggregateId: titledTaskId, expectedVersion: version, events: [{ type: 'task.edited', data }] }] });
      await expect(appended, JSON.stringify(data)).rejects.toThrow(InvalidEventError);
    }
    expect(await totalStreamLength()).toBe(before);
  });

  it('given text to normalize, when a draft is made, then its data is the normalized text', () => {
    expect(taskEdited.create({ title: '  Cafe\u0301 ', description: 'one\r\ntwo' }).data).toEqual({ title: 'Caf\u00e9', description: 'one\ntwo' });
  });
});
