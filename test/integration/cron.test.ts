import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
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

  it('claims the entries a dead consumer left pending, applies them once, and reports them', async () => {
    const organizationId = `org-${randomUUID()}`;
    const store = { redis: getRedis(), keys, catalogue: testCatalogue, partitions: env.EVENT_PARTITIONS };
    const appended = await appendEvents(store, {
      organizationId,
      actorId: 'u',
      streams: [{ aggregateId: `dead-${organizationId}`, expectedVersion: 0, events: [counterIncremented.create({ by: 1, note: 'x' }), counterIncremented.create({ by: 1, note: 'y' })] }],
    });
    const stream = keys.stream(appended.partition);
    // A drain that read the entries for the archive and died before acknowledging them.
    await getRedis().xGroupCreate(stream, 'archive', '0', { MKSTREAM: true }).catch(() => undefined);
    await getRedis().xReadGroup('archive', 'inline-dead', { key: stream, id: '>' }, { COUNT: 100 });
    const pending = z.object({ pending: z.number() }).loose().parse(await getRedis().xPending(stream, 'archive')).pending;
    expect(pending).toBe(2);

    const response = await call(`Bearer ${env.CRON_SECRET ?? ''}`);
    expect(response.status).toBe(200);
    await expect(response.json()).resolves.toMatchObject({ mode: 'worker', claimed: 2, busy: [], complete: true });
    expect(z.object({ pending: z.number() }).loose().parse(await getRedis().xPending(stream, 'archive')).pending).toBe(0);
    const archived = await db.execute<{ event_id: string }>(sql`select event_id from event_log where organization_id = ${organizationId} order by aggregate_version`);
    expect(archived.map((r) => r.event_id)).toEqual(appended.eventIds);
  });

  it('with workers (PROJECTORS_MODE=worker), leaves a partition another holder leases alone and reports it busy', async () => {
    await getRedis().set(keys.lease(1), 'a-worker', { PX: 60_000 });
    try {
      const response = await call(`Bearer ${env.CRON_SECRET ?? ''}`);
      expect(response.status).toBe(200);
      const body = z.object({ partitions: z.array(z.number()), busy: z.array(z.number()), complete: z.boolean() }).parse(await response.json());
      expect(body.busy).toEqual([1]);
      expect(body.complete).toBe(false);
      expect(body.partitions).not.toContain(1);
      expect(await getRedis().get(keys.lease(1))).toBe('a-worker');
    } finally {
      await getRedis().del(keys.lease(1));
    }
  });
});
