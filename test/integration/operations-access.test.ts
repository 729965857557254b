/**
 * Who operates the app: every operations procedure answers NOT_FOUND to a
 * signed-in user who is not an operator (also to an admin or a member of the
 * operator organization), and works for a user listed in OPERATORS and for an
 * owner of OPERATOR_ORGANIZATION_ID (both set by ../support/setup-file.ts).
 * Retry and skip act on genuine dead letters (../support/poison-titles.ts),
 * so "works" means they changed something, and "refused" that nothing did.
 */
import { randomUUID } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { env } from '~/env';
import { writeSide } from '~/server/app/context';
import { catchUp } from '~/server/app/projectors';
import { appRouter } from '~/server/app/router';
import { recordEvents } from '~/server/commands/handler';
import { db } from '~/server/db';
import { organizationDecider } from '~/server/modules/organizations/commands';
import { memberAdded, organizationCreated, type Role } from '~/server/modules/organizations/events';
import type { DeadLetterView } from '~/server/projectors/dead-letter-page';
import { as, closeAppClientsAfterAll } from '../support/callers';
import { refusePoisonTitles } from '../support/poison-titles';

closeAppClientsAfterAll();

type Caller = ReturnType<typeof as>;
type Letter = DeadLetterView;

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'OK';
  } catch (error) {
    return error instanceof TRPCError ? error.code : `not a TRPCError: ${String(error)}`;
  }
}

/** Every operations procedure but `access`, called on one dead letter. */
const calls: Record<string, (who: Caller, letter: Letter) => Promise<unknown>> = {
  'operations.status': (w) => w.api.operations.status(),
  'operations.deadLetters': (w) => w.api.operations.deadLetters({ limit: 100 }),
  'operations.retry': (w, l) => w.api.operations.retry({ projector: l.projector, aggregateId: l.aggregateId }),
  'operations.skip': (w, l) => w.api.operations.skip({ projector: l.projector, partition: l.partition, streamId: l.streamId }),
  'operations.rebuilds': (w) => w.api.operations.rebuilds(),
  'operations.rebuild': (w, l) => w.api.operations.rebuild({ projector: l.projector }),
};

/** The organization OPERATOR_ORGANIZATION_ID names, created under that id, with an owner, an admin and a member. */
async function operatorOrganization(): Promise<Record<Role, Caller>> {
  const organizationId = env.OPERATOR_ORGANIZATION_ID;
  if (!organizationId) throw new Error('OPERATOR_ORGANIZATION_ID is set by test/support/setup-file.ts');
  const people = { owner: as('ops-owner'), admin: as('ops-admin'), member: as('ops-member') };
  const result = await recordEvents(writeSide(), {
    decider: organizationDecider,
    organizationId,
    aggregateId: organizationId,
    actorId: people.owner.session.user.id,
    events: [
      organizationCreated.create({ name: 'Operators', slug: `operators-${randomUUID().slice(0, 8)}` }),
      ...(['owner', 'admin', 'member'] as const).map((role) => memberAdded.create({ userId: people[role].session.user.id, email: people[role].session.user.email, role })),
    ],
  });
  await catchUp(result.positions.at(-1));
  return people;
}

let operatorOrg: Record<Role, Caller>;
let letters: Letter[];
const operator = as('operator');
const parkedCount = async () => (await operator.api.operations.deadLetters({ limit: 100 })).total;

beforeAll(async () => {
  operatorOrg = await operatorOrganization();
  // Four tasks the board cannot store: four dead letters. The cause is then removed, so a retry succeeds.
  const poison = await refusePoisonTitles((q) => db.execute(sql.raw(q)));
  const maker = as('maker');
  const { id: organizationId } = await maker.api.organizations.create({ name: 'Poisoned', slug: `poisoned-${randomUUID().slice(0, 8)}` });
  const { id: projectId } = await maker.api.tasks.createProject({ organizationId, name: 'Board' });
  const placement = { status: 'todo', after: null, before: null } as const;
  await Promise.all([1, 2, 3, 4].map((i) => maker.api.tasks.create({ organizationId, projectId, title: `${poison.marker} ${i}`, placement })));
  await poison.cure();
  letters = (await operator.api.operations.deadLetters({ limit: 100 })).items.filter((d) => d.organizationId === organizationId);
  expect(letters.map((l) => [l.projector, l.status])).toEqual(Array(4).fill(['board', 'failed']));
});

describe('operations are for operators only', () => {
  it('the table below covers every operations procedure', () => {
    const operations = Object.keys(appRouter._def.procedures).filter((path) => path.startsWith('operations.') && path !== 'operations.access');
    expect(operations.sort()).toEqual(Object.keys(calls).sort());
  });

  it('a signed-in non-operator, and an admin or a member of the operator organization, get NOT_FOUND from each; nothing changes', async () => {
    const before = await parkedCount();
    const [letter] = letters;
    if (!letter) throw new Error('four dead letters were parked');
    for (const who of [as('someone'), operatorOrg.admin, operatorOrg.member]) {
      await expect(who.api.operations.access()).resolves.toEqual({ operator: false });
      for (const [path, call] of Object.entries(calls)) expect(`${path}: ${await codeOf(call(who, letter))}`).toBe(`${path}: NOT_FOUND`);
    }
    expect(await parkedCount()).toBe(before);
  });

  it.each([
    ['a user listed in OPERATORS', () => operator, 0],
    ['an owner of OPERATOR_ORGANIZATION_ID', () => operatorOrg.owner, 2],
  ] as const)('%s may use each', async (_who, caller, first) => {
    const who = caller();
    const [toRetry, toSkip] = [letters[first], letters[first + 1]];
    if (!toRetry || !toSkip) throw new Error('four dead letters were parked');
    await expect(who.api.operations.access()).resolves.toEqual({ operator: true });
    await expect(who.api.operations.status()).resolves.toMatchObject({ partitions: expect.any(Array), projectors: expect.any(Array) });
    await expect(who.api.operations.rebuilds()).resolves.toMatchObject({ projectors: expect.arrayContaining(['board']) });
    await expect(who.api.operations.deadLetters({ limit: 100 })).resolves.toMatchObject({ items: expect.arrayContaining([expect.objectContaining(toRetry)]) });
    await expect(who.api.operations.retry({ projector: toRetry.projector, aggregateId: toRetry.aggregateId })).resolves.toEqual({ applied: 1 });
    await expect(who.api.operations.skip({ projector: toSkip.projector, partition: toSkip.partition, streamId: toSkip.streamId })).resolves.toEqual({ applied: 0 });
    const left = (await who.api.operations.deadLetters({ limit: 100 })).items.map((d) => d.streamId);
    expect(left).not.toContain(toRetry.streamId);
    expect(left).not.toContain(toSkip.streamId);
  });
});
