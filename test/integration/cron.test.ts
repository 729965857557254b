import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { GET } from '~/app/api/cron/drain/route';
import { env } from '~/env';
import { db } from '~/server/db';
import { appendEvents } from '~/server/events/append';
import { getRedis, keys } from '~/server/redis';
import { counterIncremented, testCatalogue } from '../support/event-core';

afterAll(async () => {
  getRedis().destroy();
  await db.$client.end({ timeout: 5 });
});

const call = (authorization?: string) =>
  GET(new Request('http://localhost/api/cron/drain', { headers: authorization ? { authorization } : {} }));

describe('GET /api/cron/drain (serverless projectors)', () => {
  it('refuses a caller without the cron secret', async () => {
    expect((await call()).status).toBe(401);
    expect((await call('Bearer wrong-secret-of-some-length')).status).toBe(401);
    expect((await call(`Bearer ${env.CRON_SECRET ?? ''}x`)).status).toBe(401);
  });

  it('drains what was appended, archives it, and gives the leases back', async () => {
    const organizationId = `org-${randomUUID()}`;
    const store = { redis: getRedis(), keys, catalogue: testCatalogue, partitions: env.EVENT_PARTITIONS };
    const appended = await appendEvents(store, {
      organizationId,
      actorId: 'u',
      streams: [{ aggregateId: 'cron', expectedVersion: 0, events: [counterIncremented.create({ by: 1, note: 'a' }), counterIncremented.create({ by: 2, note: 'b' })] }],
    });
    const response = await call(`Bearer ${env.CRON_SECRET ?? ''}`);
    expect(response.status).toBe(200);
    // Each projector (the archive, the directory, …) handled both entries.
    const { projectorNames } = await import('~/server/app/projectors');
    await expect(response.json()).resolves.toMatchObject({ events: 2 * projectorNames.length });
    const archived = await db.execute<{ event_id: string }>(sql`select event_id from event_log where organization_id = ${organizationId} order by aggregate_version`);
    expect(archived.map((r) => r.event_id)).toEqual(appended.eventIds);
    const leases = await Promise.all(Array.from({ length: env.EVENT_PARTITIONS }, (_, p) => getRedis().get(keys.lease(p))));
    expect(leases.every((holder) => holder === null)).toBe(true);
  });
});
