import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TimeoutError } from 'redis';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { startLocalRedis, type LocalRedis } from '../../scripts/lib/local-redis';
import { connectInBackground, createBlockingRedis, createRedis, type Redis } from '../../src/server/redis/client';
import { captureLogs, eventually } from '../support/log-capture';
import { makeTestCertificates } from '../support/tls';

const redisUrl = inject('redisUrl');
const prefix = process.env.REDIS_KEY_PREFIX ?? 'missing-prefix';
const clients: Redis[] = [];
const servers: LocalRedis[] = [];
const dirs: string[] = [];

function track(client: Redis): Redis {
  clients.push(client);
  return client;
}

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'streamline-redis-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('command client', () => {
  it('connects and runs commands', async () => {
    const { logger } = captureLogs();
    const redis = track(createRedis({ url: redisUrl, logger, name: 'test' }));
    await redis.connect();
    await redis.set(`${prefix}:hello`, 'world');
    await expect(redis.get(`${prefix}:hello`)).resolves.toBe('world');
  });

  it('fails a command after its timeout while Redis is unreachable, instead of hanging', async () => {
    const { logger } = captureLogs();
    const dead = await startLocalRedis({ dir: tempDir() });
    await dead.stop(); // a port where nothing listens
    const redis = track(createRedis({ url: dead.url, logger, name: 'short', commandTimeoutMs: 300 }));
    connectInBackground(redis);
    const started = performance.now();
    await expect(redis.ping()).rejects.toBeInstanceOf(TimeoutError);
    expect(performance.now() - started).toBeLessThan(5_000); // bounded by the timeout, not by reconnects
  });
});

describe('blocking client', () => {
  it('survives a BLOCK longer than the default command timeout and receives the entry', async () => {
    const { logger } = captureLogs();
    const writer = track(createRedis({ url: redisUrl, logger, name: 'writer' }));
    const reader = track(createBlockingRedis({ url: redisUrl, logger, name: 'reader' }));
    await Promise.all([writer.connect(), reader.connect()]);
    const stream = `${prefix}:blocking`;

    const read = reader.xRead({ key: stream, id: '$' }, { BLOCK: 7_000 });
    // Write after the 5 s default command timeout would already have fired.
    await new Promise((resolve) => setTimeout(resolve, 5_500));
    await writer.xAdd(stream, '*', { n: '1' });
    const result = await read;
    expect(result?.[0]?.messages[0]?.message).toEqual({ n: '1' });
  });
});

describe('reconnection', () => {
  it('reconnects on its own after Redis is killed and restarted, logging the outage once', async () => {
    const server = await startLocalRedis({ dir: tempDir() });
    servers.push(server);
    const { logger, lines } = captureLogs();
    const redis = track(createRedis({ url: server.url, logger, name: 'resilient' }));
    connectInBackground(redis);
    await eventually(() => redis.isReady, 5_000, 'first connection');
    await redis.set('k', 'before');

    await server.kill();
    await eventually(() => lines.some((l) => l.msg.includes('connection lost')), 5_000, 'loss logged');
    await server.restart();

    await eventually(async () => (await redis.ping().catch(() => null)) === 'PONG', 15_000, 'reconnect');
    await expect(redis.get('k')).resolves.toBe('before'); // AOF with fsync always kept the write
    expect(lines.filter((l) => l.msg.includes('connection lost'))).toHaveLength(1);
    expect(lines.some((l) => l.msg === 'redis connection restored')).toBe(true);
  });
});

describe('TLS (rediss://)', () => {
  it('connects to a TLS-only Redis and verifies its certificate', async () => {
    const certs = makeTestCertificates();
    const server = await startLocalRedis({ dir: tempDir(), tls: certs });
    servers.push(server);
    expect(server.url).toMatch(/^rediss:\/\//);
    const { logger } = captureLogs();

    const trusted = track(createRedis({ url: server.url, logger, name: 'tls', tlsCa: certs.caPem }));
    await trusted.connect();
    await expect(trusted.ping()).resolves.toBe('PONG');

    // Without the CA the certificate is not trusted, and the client must not talk to it.
    const untrusted = track(createRedis({ url: server.url, logger, name: 'tls-untrusted', commandTimeoutMs: 1_000 }));
    connectInBackground(untrusted);
    await expect(untrusted.ping()).rejects.toThrow();
    expect(untrusted.isReady).toBe(false);
  });
});
