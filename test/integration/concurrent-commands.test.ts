/**
 * Commands racing on one aggregate: a command that loses to a concurrent one
 * wrote nothing, so the handler decides it again from the state the winner
 * left (src/server/commands/handler.ts, DECIDE_ATTEMPTS), as if it had come a
 * moment later. Every command gets its answer from the decider, none a
 * CONFLICT, and the log holds each change once, at contiguous versions.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { env } from '~/env';
import { writeSide } from '~/server/app/context';
import { DECIDE_ATTEMPTS } from '~/server/commands/handler';
import { envelopeSchema } from '~/server/events/envelope';
import { readAggregates } from '~/server/events/write-state';
import { getRedis, keys } from '~/server/redis';
import { partitionOf } from '~/server/redis/keys';
import { as, closeAppClientsAfterAll } from '../support/callers';
import { boardWithTasks } from '../support/fixtures';

closeAppClientsAfterAll();

/** The aggregate's events as the partition stream holds them (the log itself, not a read model). */
async function eventsOf(organizationId: string, aggregateId: string) {
  const entries = (await getRedis().xRange(keys.stream(partitionOf(organizationId, env.EVENT_PARTITIONS)), '-', '+')) ?? [];
  return entries.map((e) => envelopeSchema.parse(JSON.parse(e.message.e ?? ''))).filter((e) => e.aggregateId === aggregateId);
}

const versionOf = async (organizationId: string, aggregateId: string) => (await readAggregates(writeSide(), organizationId, [aggregateId])).aggregates[0]?.version;

describe('commands racing on one aggregate', () => {
  it(`${DECIDE_ATTEMPTS} invitations sent at once to one organization all succeed, each once, at contiguous versions`, async () => {
    const admin = as('admin');
    const { owner, organizationId } = await boardWithTasks({ members: [{ user: admin, role: 'admin' }] });
    const before = await versionOf(organizationId, organizationId);
    const emails = Array.from({ length: DECIDE_ATTEMPTS }, (_, i) => `racer-${i}-${randomUUID().slice(0, 6)}@example.com`);
    // Two people at once, each with a key of their own: every command appends to the organization aggregate.
    const results = await Promise.allSettled(emails.map((email, i) => (i % 2 === 0 ? owner : admin).api.organizations.invite({ organizationId, email, role: 'member', idempotencyKey: randomUUID() })));
    expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).toEqual(emails.map(() => 'ok'));

    const events = (await eventsOf(organizationId, organizationId)).filter((e) => e.type === 'invitation.created');
    expect(events).toHaveLength(DECIDE_ATTEMPTS);
    const versions = events.map((e) => e.aggregateVersion).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: DECIDE_ATTEMPTS }, (_, i) => (before ?? 0) + 1 + i));
    expect(await versionOf(organizationId, organizationId)).toBe((before ?? 0) + DECIDE_ATTEMPTS);
    await expect(owner.api.organizations.invitations({ organizationId })).resolves.toHaveLength(DECIDE_ATTEMPTS);
  });

  it('a command decided again meets the winner’s state: three archives of one task at once archive it once, the others change nothing', async () => {
    const { owner, organizationId, taskIds } = await boardWithTasks({ tasks: ['Contested'] });
    const [taskId] = taskIds;
    const results = await Promise.all([0, 1, 2].map(() => owner.api.tasks.archive({ organizationId, taskId })));
    expect(results.map((r) => r.changed).sort()).toEqual([false, false, true]);
    expect((await eventsOf(organizationId, taskId)).map((e) => e.type)).toEqual(['task.created', 'task.archived']);
  });
});
