/**
 * Two environments on one Redis (a production and a preview, say), each with
 * its own key prefix and its own database: each database sees only its own
 * events. An environment pointed at the other's key space with its own
 * database is refused before it appends or drains anything.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDb, type Db } from '~/server/db/client';
import { appendEvents } from '~/server/events/append';
import { IdentityMismatchError, pairKeySpaceWithDatabase } from '~/server/events/identity';
import { archiveProjector } from '~/server/projectors/archive';
import { createProjectorRuntime } from '~/server/projectors/runtime';
import { createRedis, type Redis } from '~/server/redis/client';
import { createKeys, type Keys } from '~/server/redis/keys';
import { captureLogs } from '../support/log-capture';
import { counterIncremented, testCatalogue } from '../support/event-core';
import { TEMPLATE_DATABASE } from '../support/services';

const PARTITIONS = 2;
const { logger } = captureLogs();
const serverUrl = inject('postgresServerUrl');
const secondDatabase = `t_${randomBytes(5).toString('hex')}_b`;
let redis: Redis;
let dbA: Db;
let dbB: Db;

beforeAll(async () => {
  const admin = postgres(`${serverUrl}postgres`, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`create database "${secondDatabase}" template "${TEMPLATE_DATABASE}"`);
  } finally {
    await admin.end();
  }
  dbA = createDb({ url: process.env.DATABASE_URL ?? '', max: 2 });
  dbB = createDb({ url: `${serverUrl}${secondDatabase}`, max: 2 });
  redis = createRedis({ url: inject('redisUrl'), logger, name: 'environments' });
  await redis.connect();
});
afterAll(async () => {
  redis.destroy();
  await Promise.all([dbA.$client.end({ timeout: 5 }), dbB.$client.end({ timeout: 5 })]);
});

/** An environment: a key space and a database, with appends and an archive drain guarded by their pairing, as the app wires them. */
function environment(keys: Keys, db: Db) {
  const guard = () => pairKeySpaceWithDatabase({ db, redis, keys });
  const runtime = createProjectorRuntime({ db, redis, keys, catalogue: testCatalogue, projectors: [archiveProjector], partitions: PARTITIONS, workerId: `w-${randomUUID().slice(0, 6)}`, logger, guard });
  return {
    append: async (organizationId: string, note: string) => {
      await guard();
      return appendEvents({ redis, keys, catalogue: testCatalogue, partitions: PARTITIONS }, {
        organizationId,
        actorId: 'u',
        streams: [{ aggregateId: `${organizationId}/c`, expectedVersion: 0, events: [counterIncremented.create({ by: 1, note })] }],
      });
    },
    drain: () => runtime.drain({ maxMs: 10_000, maxEvents: 1_000, releaseLeases: true }),
  };
}

const archivedOrganizations = async (db: Db) =>
  (await db.execute<{ organization_id: string }>(sql`select distinct organization_id from event_log order by organization_id`)).map((r) => r.organization_id);

describe('environment isolation', () => {
  it('two environments on one Redis: each database sees only its own events; a database pointed at the other’s key space is refused', async () => {
    const keysA = createKeys(`envA:${randomUUID().slice(0, 6)}`);
    const keysB = createKeys(`envB:${randomUUID().slice(0, 6)}`);
    const production = environment(keysA, dbA);
    const preview = environment(keysB, dbB);
    const [orgA, orgB] = [`org-a-${randomUUID()}`, `org-b-${randomUUID()}`];

    await production.append(orgA, 'production');
    await preview.append(orgB, 'preview');
    await production.drain();
    await preview.drain();
    expect(await archivedOrganizations(dbA)).toEqual([orgA]);
    expect(await archivedOrganizations(dbB)).toEqual([orgB]);

    // The preview's database pointed at production's key space: refused before it reads or writes anything.
    const misconfigured = environment(keysA, dbB);
    await production.append(`${orgA}-2`, 'production again');
    await expect(misconfigured.drain()).rejects.toThrow(IdentityMismatchError);
    await expect(misconfigured.append(`org-c-${randomUUID()}`, 'misplaced')).rejects.toThrow(/belongs to another database/);
    expect(await archivedOrganizations(dbB)).toEqual([orgB]);
    // Production was not disturbed: its drain still finds its new event unread.
    await production.drain();
    expect(await archivedOrganizations(dbA)).toEqual([orgA, `${orgA}-2`].sort());
  });

  it('a new key space joins its database’s identity (Redis emptied, or a new prefix), and a new database never joins a used key space', async () => {
    const keys = createKeys(`envC:${randomUUID().slice(0, 6)}`);
    const identity = await pairKeySpaceWithDatabase({ db: dbA, redis, keys });
    await redis.del(keys.identity()); // Redis lost its data
    await expect(pairKeySpaceWithDatabase({ db: dbA, redis, keys })).resolves.toBe(identity);
    await expect(pairKeySpaceWithDatabase({ db: dbB, redis, keys })).rejects.toThrow(IdentityMismatchError);
  });
});
