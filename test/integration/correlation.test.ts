import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { pgTable, text } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { catalogue } from '~/server/app/catalogue';
import { createContextInner, writeSide } from '~/server/app/context';
import { createAppRuntime } from '~/server/app/projectors';
import { createCaller } from '~/server/app/router';
import type { Session } from '~/server/auth';
import { db } from '~/server/db';
import { invitationCreated } from '~/server/modules/organizations/events';
import { defineProjector } from '~/server/projectors/define-projector';
import { createProjectorRuntime } from '~/server/projectors/runtime';
import { getRedis, keys } from '~/server/redis';
import { env } from '~/env';
import { closeAppClientsAfterAll } from '../support/callers';
import { captureLogs, type LogLine } from '../support/log-capture';

closeAppClientsAfterAll();

const { logger, lines } = captureLogs();

/**
 * A caller whose commands log into `lines`. Its commands do not wait for read
 * models (nothing drains behind the test's back): the test drains itself, with
 * a runtime that logs into `lines` too.
 */
function as(name: string) {
  const session: Session = {
    user: { id: `${name}-${randomUUID().slice(0, 6)}`, email: `${name}@example.com`, name },
    expires: new Date(Date.now() + 3_600_000).toISOString(),
  };
  const context = createContextInner({ session });
  return createCaller({ ...context, writeSide: { ...writeSide(), logger, readYourWrites: async () => true } });
}

async function drain(runtime: ReturnType<typeof createAppRuntime>): Promise<void> {
  for (;;) {
    const { events } = await runtime.drain({ maxMs: 10_000, maxEvents: 100_000, releaseLeases: true });
    if (events === 0) return;
  }
}

/** Whether the line's `field` is a list holding `value`. */
const lists = (line: LogLine, field: string, value: unknown) => {
  const list = line[field];
  return Array.isArray(list) && list.includes(value);
};
const commandLine = (type: string) => lines.find((l) => l.msg === 'command appended' && lists(l, 'events', type));

describe('correlation ids in logs', () => {
  it('one id follows a mutation from its command through every projector and reactor that handles its events', async () => {
    const owner = as('correlation-owner');
    const { id: organizationId } = await owner.organizations.create({ name: 'Correlated', slug: `correlated-${randomUUID().slice(0, 8)}` });
    await owner.organizations.invite({ organizationId, email: 'guest@example.com', role: 'member' });
    await drain(createAppRuntime(`correlation-${randomUUID().slice(0, 8)}`, { logger }));

    const created = commandLine('organization.created');
    const invited = commandLine('invitation.created');
    const id = invited?.correlationId;
    expect(typeof id).toBe('string');
    expect(created?.correlationId).toEqual(expect.any(String));
    expect(created?.correlationId).not.toBe(id);

    // The events carry it: the archive stored the invitation with it.
    const archived = await db.execute<{ correlation_id: string }>(sql`select correlation_id from event_log where organization_id = ${organizationId} and type = 'invitation.created'`);
    expect(archived.map((r) => r.correlation_id)).toEqual([id]);

    // Projectors' committed batches (debug) list it, and the reactor's effect names it.
    const applied = lines.filter((l) => l.msg === 'batch applied' && lists(l, 'correlationIds', id)).map((l) => l.projector);
    expect(applied).toEqual(expect.arrayContaining(['archive', 'directory', 'invitation-mailer']));
    const mailed = lines.filter((l) => l.msg === 'invitation mailed');
    expect(mailed).toHaveLength(1);
    expect(mailed[0]).toMatchObject({ correlationId: id, projector: 'invitation-mailer', eventId: expect.any(String), type: 'invitation.created' });

    // One search finds the command, a projector and the reactor.
    const found = lines.filter((l) => JSON.stringify(l).includes(String(id))).map((l) => l.msg);
    expect(found).toEqual(expect.arrayContaining(['command appended', 'batch applied', 'invitation mailed']));
    expect(lines.filter((l) => JSON.stringify(l).includes(String(created?.correlationId))).map((l) => l.msg)).not.toContain('invitation mailed');
  });

  it('failures and parking name the event and its correlation id', async () => {
    const owner = as('correlation-poison');
    const { id: organizationId } = await owner.organizations.create({ name: 'Poisoned', slug: `poisoned-${randomUUID().slice(0, 8)}` });
    await owner.organizations.invite({ organizationId, email: 'poison@example.com', role: 'member' });
    const id = lines.findLast((l) => l.msg === 'command appended' && l.organizationId === organizationId && lists(l, 'events', 'invitation.created'))?.correlationId;
    expect(typeof id).toBe('string');

    const failing = defineProjector({
      name: 'failing-invitations',
      events: [invitationCreated],
      tables: [pgTable('failing_invitations', { id: text('id').primaryKey() })], // never created: the handler throws before writing
      handlers: {
        'invitation.created': async () => {
          throw new Error('cannot project invitations');
        },
      },
    });
    const runtime = createProjectorRuntime({
      db,
      redis: getRedis(),
      keys,
      catalogue,
      projectors: [failing],
      partitions: env.EVENT_PARTITIONS,
      workerId: `poison-${randomUUID().slice(0, 8)}`,
      logger,
    });
    await runtime.drain({ maxMs: 10_000, maxEvents: 100_000, releaseLeases: true });

    const about = lines.filter((l) => l.projector === failing.name && l.correlationId === id);
    expect(about.filter((l) => l.msg === 'handler failed').length).toBeGreaterThanOrEqual(1);
    expect(about.find((l) => l.msg === 'event parked in dead letters')).toMatchObject({ type: 'invitation.created', eventId: expect.any(String), aggregateId: organizationId });
  });
});
