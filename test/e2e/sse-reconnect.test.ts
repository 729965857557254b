/**
 * G9 across forced cuts: the built app with `SSE_MAX_DURATION_MS=2000`, so
 * the server ends every live response after 2 s, as Vercel's function limit
 * does after 270 s. A tRPC client with the UI's subscription link and a real
 * EventSource, over HTTP, follows one organization's change notices while
 * mutations happen before, during and after the cuts (some while it is
 * disconnected). It must reconnect with `Last-Event-ID` and receive every
 * notice the projectors wrote, once each and in order, none missed.
 */
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRedis } from '~/server/redis/client';
import { createKeys } from '~/server/redis/keys';
import { startAppServer, type AppServer } from '../../scripts/lib/app-server';
import { signInOverHttp } from '../../scripts/lib/http-session';
import { freePort } from '../../scripts/lib/ports';
import { trpcOverHttp } from '../support/http-client';
import { eventually } from '../support/log-capture';
import { createDatabaseFromTemplate } from '../support/services';

const CUT_MS = 2_000;
const prefix = `sse-${randomBytes(3).toString('hex')}`;
const redis = createRedis({ url: inject('redisUrl'), logger: pino({ level: 'silent' }), name: 'sse-test' });
const keys = createKeys(prefix);
let app: AppServer | undefined;

beforeAll(async () => {
  await redis.connect();
  const port = await freePort();
  app = await startAppServer(
    {
      DATABASE_URL: await createDatabaseFromTemplate(inject('postgresServerUrl'), `sse_${randomBytes(4).toString('hex')}`),
      REDIS_URL: inject('redisUrl'),
      REDIS_KEY_PREFIX: prefix,
      AUTH_SECRET: randomBytes(32).toString('base64url'),
      AUTH_URL: `http://127.0.0.1:${port}`,
      AUTH_TRUST_HOST: 'true',
      AUTH_DEV_SIGNIN: 'true',
      // `next start` runs in production, where the development sign-in must be allowed this loudly.
      AUTH_DEV_SIGNIN_IN_PRODUCTION_LETS_ANYONE_SIGN_IN_AS_ANYONE: 'true',
      PROJECTORS_MODE: 'serverless',
      SSE_MAX_DURATION_MS: String(CUT_MS),
      RATE_LIMIT_MUTATIONS: '0',
      LOG_LEVEL: 'warn',
    },
    { port },
  );
});

afterAll(async () => {
  await app?.stop();
  redis.destroy();
});

describe('live changes across forced SSE cuts', () => {
  it('reconnects with Last-Event-ID after each cut and receives every notice once, in order, including those written while disconnected', { timeout: 90_000 }, async () => {
    const url = app?.url ?? '';
    const { client, connections } = trpcOverHttp(url, await signInOverHttp(url, `sse-${prefix}@example.com`));
    // Before subscribing: an organization with a project and a task.
    const organization = await client.organizations.create.mutate({ name: 'Live', slug: prefix });
    const organizationId = organization.id;
    const project = await client.tasks.createProject.mutate({ organizationId, name: 'Live board' });
    const placement = (status: 'todo' | 'doing' | 'done') => ({ status, after: null, before: null });
    const tasks = [(await client.tasks.create.mutate({ organizationId, projectId: project.id, title: 'Before', placement: placement('todo') })).id];

    // Subscribe from the newest notice so far: everything after it must arrive.
    const start = (await redis.xRevRange(keys.changes(organizationId), '+', '-', { COUNT: 1 }))?.[0]?.id ?? '0-0';
    const received: Array<{ id: string; projector: string; aggregates: string[] }> = [];
    const errors: unknown[] = [];
    const subscription = client.organizations.changes.subscribe(
      { organizationId, lastEventId: start },
      { onData: ({ id, data }) => received.push({ id, projector: data.projector, aggregates: data.aggregates }), onError: (error) => errors.push(error) },
    );
    const written: number[] = [];
    const newestNotice = async () => (await redis.xRevRange(keys.changes(organizationId), '+', '-', { COUNT: 1 }))?.[0]?.id ?? '0-0';
    const expected = async () => ((await redis.xRange(keys.changes(organizationId), `(${start}`, '+')) ?? []).map((e) => e.id);
    try {
      // Mutations, each paced by its own notice reaching Redis (not by the client), until the client has been cut
      // and has reconnected twice: so some are written while it is disconnected.
      const deadline = Date.now() + 60_000;
      for (let n = 0; connections.length < 3; n++) {
        if (Date.now() > deadline) throw new Error(`only ${connections.length - 1} reconnects within 60 s`);
        const before = await newestNotice();
        if (n % 3 === 0) tasks.push((await client.tasks.create.mutate({ organizationId, projectId: project.id, title: `During ${n}`, placement: placement('todo') })).id);
        else await client.tasks.move.mutate({ organizationId, taskId: tasks[n % tasks.length] ?? '', placement: placement(n % 2 ? 'doing' : 'done') });
        written.push(Date.now());
        await eventually(async () => (await newestNotice()) !== before, 10_000, `the notice of mutation ${n}`);
      }
      // A quiet cut: one more reconnection with nothing written, then a few more mutations after it.
      const quiet = connections.length;
      await eventually(() => connections.length > quiet, 20_000, 'a reconnection after a quiet cut');
      for (let n = 0; n < 3; n++) {
        tasks.push((await client.tasks.create.mutate({ organizationId, projectId: project.id, title: `After ${n}`, placement: placement('done') })).id);
        written.push(Date.now());
      }

      // Every notice the projectors wrote for the organization after `start`, once each, in order. The last ones
      // are the newest in the stream: any duplicate of an earlier notice would have come before them.
      const ids = () => received.map((n) => n.id);
      await eventually(async () => JSON.stringify(ids()) === JSON.stringify(await expected()) || ids().length > (await expected()).length, 20_000, 'every notice received');
      expect(ids()).toEqual(await expected());
      expect(errors).toEqual([]);
      // …and those notices tell of every task written, before, during and after the cuts.
      const onBoard = new Set(received.filter((n) => n.projector === 'board').flatMap((n) => n.aggregates));
      expect(tasks.filter((id) => !onBoard.has(id))).toEqual([]);
    } finally {
      subscription.unsubscribe();
    }

    // The cuts happened, and each reconnection resumed from the last notice it had.
    const reconnects = connections.slice(1);
    expect(reconnects.length).toBeGreaterThanOrEqual(2);
    const ids = new Set(received.map((n) => n.id));
    for (const connection of reconnects) expect(connection.lastEventId !== null && ids.has(connection.lastEventId), JSON.stringify(connection)).toBe(true);
    // Some changes were written while the client was disconnected (between a cut and the next connection).
    const gaps = reconnects.map((c, i) => [(connections[i]?.at ?? 0) + CUT_MS + 300, c.at] as const);
    expect(written.some((at) => gaps.some(([from, to]) => at > from && at < to))).toBe(true);
  });
});
