/**
 * G8 durability: an append the client saw succeed survives a Redis crash, and
 * (G1 under a crash) an append is all or nothing even when Redis dies while it
 * runs. Trimming never drops what a consumer group still needs, and the
 * archive rebuilds the live tables after trimming and a crash.
 *
 * How: this file runs its own redis-server (AOF, fsync on every write) and
 * kills it with SIGKILL while writers append concurrently, then restarts it on
 * the same data directory. Every acknowledged append is recorded; afterwards
 * the whole log is read back and checked against that record. A relay crashes
 * Redis at one exact point of an append (its persistence lookup, just before
 * the script) to check nothing is written and the client is usable afterwards. The projector
 * test lets one group lag behind with entries left pending by a worker that
 * died mid-batch, trims, crashes Redis again while appends go on, and checks
 * that the lagging group still finds everything it has not processed, catches
 * up to the same table as the others, and that a rebuild from the archive
 * equals it too.
 *
 * A process crash is what is simulated: the kernel keeps what Redis wrote, so
 * this proves replies wait for the AOF write; a power loss (the fsync) is not.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRedis, type LocalRedis } from '../../scripts/lib/local-redis';
import { createDb, type Db } from '~/server/db/client';
import { deadLetters, eventLog, projectorCheckpoints } from '~/server/db/event-core-schema';
import { ConflictError } from '~/server/errors';
import { appendEvents, type EventStore } from '~/server/events/append';
import { compareStreamIds, envelopeSchema, type Position, type RawEnvelope } from '~/server/events/envelope';
import { archiveProjector } from '~/server/projectors/archive';
import type { Projector } from '~/server/projectors/define-projector';
import { replayArchive } from '~/server/projectors/replay';
import { createProjectorRuntime, type ProjectorRuntime, type RuntimeOptions } from '~/server/projectors/runtime';
import { trimStreams } from '~/server/projectors/trim';
import { connectInBackground, createRedis, type Redis } from '~/server/redis/client';
import { createKeys, partitionOf, type Keys } from '~/server/redis/keys';
import { counterIncremented, countersProjector, createCountersTable, testCatalogue } from '../support/event-core';
import { captureLogs, eventually } from '../support/log-capture';

const PARTITIONS = 4;
const { logger } = captureLogs();

let server: LocalRedis;
let redis: Redis;
let db: Db;
const cleanups: Array<() => unknown> = [];

beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'streamline-durability-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  server = await startLocalRedis({ dir });
  cleanups.push(() => server.stop());
  // A short command timeout: appends queued while Redis is down fail fast instead of piling up.
  redis = createRedis({ url: server.url, logger, name: 'durability', commandTimeoutMs: 2_000 });
  cleanups.push(() => redis.destroy());
  connectInBackground(redis);
  await eventually(() => redis.isReady, 10_000, 'connection to the dedicated redis');
  db = createDb({ url: process.env.DATABASE_URL ?? '', max: 5 });
  cleanups.push(() => db.$client.end({ timeout: 5 }));
});

afterAll(async () => {
  // Reverse order: client before server before its directory.
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const short = () => randomUUID().slice(0, 8);
const inc = (by: number, note: string) => counterIncremented.create({ by, note });
const storeFor = (keys: Keys): EventStore => ({ redis, keys, catalogue: testCatalogue, partitions: PARTITIONS });

/** SIGKILL: no shutdown, no final flush. Then the same port and data directory again. */
async function crashAndRestart(): Promise<void> {
  const before = server.pid();
  await server.kill();
  // Make sure the client really lost the connection, so the crash is part of what it lived through.
  await eventually(() => !redis.isReady, 10_000, 'client notices the crash');
  await server.restart();
  expect(server.pid()).not.toBe(before);
  await eventually(async () => (await redis.ping().catch(() => null)) === 'PONG', 15_000, 'client reconnects after restart');
}

/**
 * A TCP relay to the dedicated Redis that crashes it (SIGKILL) the moment the
 * given command passes, before the command reaches it: a crash at an exact
 * point between two commands of one client, which timing alone cannot hit.
 */
async function relayCrashingOn(command: string) {
  const marker = Buffer.from(`\r\n${command}\r\n`);
  let armed = true;
  let crash: Promise<void> | null = null;
  const sockets = new Set<Socket>();
  const relay = createServer((client) => {
    const upstream = connect(server.port, '127.0.0.1');
    sockets.add(client).add(upstream);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
    upstream.pipe(client);
    client.on('data', (chunk: Buffer) => {
      if (armed && chunk.includes(marker)) {
        armed = false;
        crash = server.kill().then(close);
        return;
      }
      upstream.write(chunk);
    });
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const address = relay.address();
  if (address === null || typeof address === 'string') throw new Error('relay has no TCP address');
  return {
    url: `redis://127.0.0.1:${address.port}`,
    /** True once the command passed and Redis is dead; false when it never passed. */
    crashed: async () => {
      if (!crash) return false;
      await crash;
      return true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        relay.close(() => resolve());
      }),
  };
}

interface LogEntry {
  partition: number;
  id: string;
  envelope: RawEnvelope;
}

/** Every entry of every partition stream, in stream order. */
async function readStreams(keys: Keys): Promise<LogEntry[]> {
  const entries: LogEntry[] = [];
  for (let partition = 0; partition < PARTITIONS; partition++) {
    for (const entry of (await redis.xRange(keys.stream(partition), '-', '+')) ?? []) {
      entries.push({ partition, id: entry.id, envelope: envelopeSchema.parse(JSON.parse(entry.message.e ?? '')) });
    }
  }
  return entries;
}

describe('G8 durability: acknowledged appends survive SIGKILL; a crash never leaves half an append (G1)', () => {
  it('16 concurrent writers through 2 kill -9/restart cycles: every acknowledged event is in the log exactly once, versions contiguous, appends all-or-none', { timeout: 55_000 }, async () => {
    const WRITERS = 16;
    const CYCLES = 2;
    const keys = createKeys(`dur:${short()}`);
    const store = storeFor(keys);
    const orgs = Array.from({ length: 4 }, () => `org-${randomUUID()}`);

    interface Attempt { writer: number; aggregateId: string; size: number; outcome: 'pending' | 'acked' | 'conflict' | 'failed'; cycle: number }
    const attempts = new Map<string, Attempt>(); // by correlation id: one per append attempt
    const acks: Array<{ correlationId: string; eventIds: string[]; positions: Position[] }> = [];
    const failures: string[] = [];
    let cycle = 0; // crashes done so far; tags each attempt with the phase it ran in
    let stop = false;
    const hardDeadline = Date.now() + 40_000;

    const writer = async (w: number) => {
      const organizationId = orgs[w % orgs.length] ?? 'org-missing';
      const aggregateId = `${organizationId}/w${w}`;
      const versionKey = keys.version(partitionOf(organizationId, PARTITIONS), aggregateId);
      let version = 0;
      // Bounded by count and time; normally the crash schedule below stops it first.
      for (let i = 0; i < 20_000 && !stop && Date.now() < hardDeadline; i++) {
        // Every third append carries 3 events: after a crash those must be all there or all absent.
        const size = i % 3 === 2 ? 3 : 1;
        const correlationId = randomUUID();
        const attempt: Attempt = { writer: w, aggregateId, size, outcome: 'pending', cycle };
        attempts.set(correlationId, attempt);
        try {
          const result = await appendEvents(store, {
            organizationId,
            actorId: `writer-${w}`,
            correlationId,
            streams: [{ aggregateId, expectedVersion: version, events: Array.from({ length: size }, (_, k) => inc(k + 1, `${correlationId}#${k}`)) }],
          });
          attempt.outcome = 'acked';
          acks.push({ correlationId, eventIds: result.eventIds, positions: result.positions });
          version = result.versions[aggregateId] ?? Number.NaN;
        } catch (error) {
          if (error instanceof ConflictError) {
            // An append that failed in the crash may have landed after all: learn the real version.
            attempt.outcome = 'conflict';
            const current = await redis.get(versionKey).then((v) => Number(v ?? 0), () => null);
            if (current !== null) version = current;
            continue;
          }
          attempt.outcome = 'failed';
          failures.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
          // Redis is down: wait for the client to come back rather than spinning on queued failures.
          await eventually(() => redis.isReady || stop, 20_000, `writer ${w} sees redis again`).catch(() => undefined);
        }
      }
    };

    const writers = Array.from({ length: WRITERS }, (_, w) => writer(w));
    try {
      for (let c = 0; c < CYCLES; c++) {
        // A random moment, measured in progress: 200 to 1,200 more acknowledged appends.
        const target = acks.length + 200 + Math.floor(Math.random() * 1_000);
        await eventually(() => acks.length >= target, 15_000, `load before crash ${c + 1}`);
        await crashAndRestart();
        cycle += 1;
      }
      // The writers must get going again after the last restart.
      const target = acks.length + 500;
      await eventually(() => acks.length >= target, 15_000, 'load after the last restart');
    } finally {
      stop = true;
      await Promise.all(writers);
    }

    // The load really ran through the crashes: appends failed while Redis was down, and succeeded in every phase.
    const all = [...attempts.values()];
    expect(failures.length, 'appends that failed in the crashes').toBeGreaterThan(0);
    for (let phase = 0; phase <= CYCLES; phase++) {
      expect(all.filter((a) => a.cycle === phase && a.outcome === 'acked').length, `acknowledged appends in phase ${phase}`).toBeGreaterThan(0);
    }
    expect(all.filter((a) => a.size === 3 && a.outcome === 'acked').length).toBeGreaterThan(0);
    expect(all.filter((a) => a.outcome === 'pending')).toEqual([]);

    const log = await readStreams(keys);
    const byEventId = new Map<string, LogEntry[]>();
    for (const entry of log) byEventId.set(entry.envelope.id, [...(byEventId.get(entry.envelope.id) ?? []), entry]);

    // No event is in the log twice.
    expect([...byEventId].filter(([, entries]) => entries.length > 1).map(([id]) => id)).toEqual([]);

    // Every acknowledged event is there, at the position its append returned.
    const lost: string[] = [];
    for (const ack of acks) {
      ack.eventIds.forEach((id, i) => {
        const found = byEventId.get(id)?.[0];
        const position = ack.positions[i];
        if (!found || found.partition !== position?.partition || found.id !== position.id) lost.push(`${ack.correlationId} event ${i} (${id})`);
      });
    }
    expect(lost, 'acknowledged events missing from the log after the crashes').toEqual([]);

    // Per aggregate, versions in log order are exactly 1..n.
    const versions = new Map<string, number[]>();
    for (const entry of log) versions.set(entry.envelope.aggregateId, [...(versions.get(entry.envelope.aggregateId) ?? []), entry.envelope.aggregateVersion]);
    expect(versions.size).toBe(WRITERS);
    for (const [aggregateId, seen] of versions) {
      expect(seen, aggregateId).toEqual(Array.from({ length: seen.length }, (_, i) => i + 1));
      // The version key and the stream were written by one script: they agree after the crash too.
      const partition = partitionOf(aggregateId.split('/')[0] ?? '', PARTITIONS);
      expect(Number(await redis.get(keys.version(partition, aggregateId))), `version key of ${aggregateId}`).toBe(seen.length);
    }

    // All or none: each attempt that left anything in the log left all its events, adjacent in its stream.
    const byAttempt = new Map<string, number[]>(); // correlation id → indexes into the log
    log.forEach((entry, index) => byAttempt.set(entry.envelope.correlationId, [...(byAttempt.get(entry.envelope.correlationId) ?? []), index]));
    const partial: string[] = [];
    for (const [correlationId, indexes] of byAttempt) {
      const attempt = attempts.get(correlationId);
      const adjacent = indexes.every((index, k) => k === 0 || index === (indexes[k - 1] ?? -2) + 1);
      if (!attempt || attempt.size !== indexes.length || !adjacent) partial.push(`${correlationId}: ${indexes.length} of ${attempt?.size ?? '?'} events`);
    }
    expect(partial, 'appends only partly in the log').toEqual([]);
    // Acknowledged appends are all there; a failed one may have landed or not; one refused with CONFLICT wrote nothing.
    for (const ack of acks) expect(byAttempt.has(ack.correlationId)).toBe(true);
    for (const [correlationId, attempt] of attempts) {
      if (attempt.outcome === 'conflict') expect(byAttempt.has(correlationId), `conflicting append ${correlationId} wrote nothing`).toBe(false);
    }
    expect(log.length).toBe([...byAttempt.keys()].reduce((n, id) => n + (attempts.get(id)?.size ?? 0), 0));
  });
});

describe('G8 a crash in the middle of an append', () => {
  it('an append cut off by a crash before its script leaves nothing behind, and the client appends again once Redis is back', { timeout: 30_000 }, async () => {
    const relay = await relayCrashingOn('INFO');
    const client = createRedis({ url: relay.url, logger, name: 'crash-mid-append', commandTimeoutMs: 2_000 });
    try {
      connectInBackground(client);
      await eventually(() => client.isReady, 10_000, 'connection through the relay');
      const keys = createKeys(`dur:${short()}`);
      const store: EventStore = { redis: client, keys, catalogue: testCatalogue, partitions: PARTITIONS };
      const organizationId = `org-${randomUUID()}`;
      const aggregateId = `${organizationId}/mid-append`;
      const stream = keys.stream(partitionOf(organizationId, PARTITIONS));

      // A client's first append asks the server for its version (INFO) before running the script; Redis dies right then.
      await expect(appendEvents(store, { organizationId, actorId: 'u', streams: [{ aggregateId, expectedVersion: 0, events: [inc(1, 'first')] }] })).rejects.toThrow();
      expect(await relay.crashed()).toBe(true);
      await server.restart();
      await eventually(async () => (await client.ping().catch(() => null)) === 'PONG', 15_000, 'client reconnects after restart');
      await eventually(async () => (await redis.ping().catch(() => null)) === 'PONG', 15_000, 'shared client reconnects after restart');

      // The failed append wrote nothing.
      expect(((await client.xRange(stream, '-', '+')) ?? []).map((e) => envelopeSchema.parse(JSON.parse(e.message.e ?? '')).aggregateVersion)).toEqual([]);

      // Redis is healthy again, so the same append on this client must now be acknowledged (the failed lookup was not kept).
      const outcome = await appendEvents(store, { organizationId, actorId: 'u', streams: [{ aggregateId, expectedVersion: 0, events: [inc(2, 'second')] }] }).then(
        (result) => `acknowledged at version ${result.versions[aggregateId]}`,
        (error: unknown) => `rejected: ${error instanceof Error ? error.message : String(error)}`,
      );
      const landed = ((await client.xRange(stream, '-', '+')) ?? []).length;
      expect({ outcome, entriesInLog: landed }).toEqual({ outcome: 'acknowledged at version 1', entriesInLog: 1 });
    } finally {
      client.destroy();
      await relay.close();
      // Leave the dedicated server running for the next test whatever happened above.
      if ((await relay.crashed()) && !(await redis.ping().then(() => true, () => false))) await server.restart().catch(() => undefined);
    }
  });
});

describe('G8 trimming and rebuild with a lagging group across a crash', () => {
  it('trimming never removes an entry some group has not processed; a rebuild from the archive after trimming equals the live tables', { timeout: 55_000 }, async () => {
    const keys = createKeys(`dur:${short()}`);
    const store = storeFor(keys);
    const tableA = `counters_a_${short()}`;
    const tableB = `counters_b_${short()}`;
    const rebuilt = `rebuilt_${short()}`;
    for (const table of [tableA, tableB, rebuilt]) await createCountersTable(db, table);
    const projectorA = countersProjector(tableA);
    const projectorB = countersProjector(tableB);
    const names = [archiveProjector.name, projectorA.name, projectorB.name];
    const runtimes: ProjectorRuntime[] = [];
    const runtime = (projectors: ReadonlyArray<Projector>, options: Partial<RuntimeOptions> = {}) => {
      const rt = createProjectorRuntime({
        db, redis, keys, catalogue: testCatalogue, projectors, partitions: PARTITIONS, workerId: `w-${short()}`, logger, ...options,
      });
      runtimes.push(rt);
      return rt;
    };

    // Two organizations per partition, so every partition has entries the lagging group must keep.
    const orgs: string[] = [];
    for (let tries = 0; tries < 10_000 && orgs.length < 2 * PARTITIONS; tries++) {
      const candidate = `org-${randomUUID()}`;
      if (orgs.filter((o) => partitionOf(o, PARTITIONS) === partitionOf(candidate, PARTITIONS)).length < 2) orgs.push(candidate);
    }
    expect(orgs).toHaveLength(2 * PARTITIONS);

    const versions = new Map<string, number>();
    const acked: Array<{ eventId: string; position: Position }> = [];
    const append = async (organizationId: string, aggregateId: string, size: number, tag: string) => {
      const expectedVersion = versions.get(aggregateId) ?? 0;
      const result = await appendEvents(store, {
        organizationId, actorId: 'u', streams: [{ aggregateId, expectedVersion, events: Array.from({ length: size }, (_, k) => inc(k + 1, `${tag}#${k}`)) }],
      });
      versions.set(aggregateId, result.versions[aggregateId] ?? Number.NaN);
      result.eventIds.forEach((eventId, i) => {
        const position = result.positions[i];
        if (position) acked.push({ eventId, position });
      });
    };
    const appendRound = async (tag: string) => {
      for (const organizationId of orgs) {
        for (let a = 0; a < 3; a++) await append(organizationId, `${organizationId}/agg-${a}`, a === 0 ? 3 : 1, `${tag}-${a}`);
      }
    };

    const checkpoints = async (projector: string) => {
      const rows = await db
        .select({ partition: projectorCheckpoints.partition, lastId: projectorCheckpoints.lastId })
        .from(projectorCheckpoints)
        .where(eq(projectorCheckpoints.projector, projector));
      return new Map(rows.map((r) => [r.partition, r.lastId]));
    };
    const streamIds = async (partition: number) => ((await redis.xRange(keys.stream(partition), '-', '+')) ?? []).map((e) => e.id);
    /** Caught up = on every partition, the checkpoint is the stream's last entry. */
    const caughtUp = async (projectors: ReadonlyArray<Projector>) => {
      for (const projector of projectors) {
        const done = await checkpoints(projector.name);
        for (let p = 0; p < PARTITIONS; p++) {
          const last = ((await redis.xRevRange(keys.stream(p), '+', '-', { COUNT: 1 })) ?? [])[0]?.id;
          if (last !== undefined && done.get(p) !== last) return false;
        }
      }
      return true;
    };
    const drainUntilCaughtUp = async (rt: ProjectorRuntime, projectors: ReadonlyArray<Projector>, what: string) => {
      let lastError: unknown = null;
      await eventually(
        async () => {
          try {
            await rt.drain({ maxMs: 5_000, maxEvents: 100_000, releaseLeases: true });
            return await caughtUp(projectors);
          } catch (error) {
            lastError = error; // Redis may still be coming back; try again
            return false;
          }
        },
        20_000,
        what,
      ).catch((timeout: unknown) => {
        throw lastError ?? timeout;
      });
    };
    const pendingIds = async (projector: string, partition: number) =>
      (await redis.xPendingRange(keys.stream(partition), projector, '-', '+', 10_000)).map((p) => p.id);

    try {
      // 1. Round 1 is archived and projected by A. B has processed nothing yet: trimming must remove nothing.
      await appendRound('r1');
      const rtA = runtime([archiveProjector, projectorA]);
      await drainUntilCaughtUp(rtA, [archiveProjector, projectorA], 'archive and A caught up with round 1');
      const beforeFirstTrim = await Promise.all(Array.from({ length: PARTITIONS }, (_, p) => streamIds(p)));
      const noTrim = await trimStreams({ db, redis, keys, partitions: PARTITIONS, projectorNames: names });
      expect(noTrim.map((r) => r.removed)).toEqual([0, 0, 0, 0]);
      expect(await Promise.all(Array.from({ length: PARTITIONS }, (_, p) => streamIds(p)))).toEqual(beforeFirstTrim);

      // 2. B catches up with round 1, then round 2 reaches only the archive and A: B lags by a round.
      await drainUntilCaughtUp(runtime([projectorB]), [projectorB], 'B caught up with round 1');
      await appendRound('r2');
      await drainUntilCaughtUp(rtA, [archiveProjector, projectorA], 'archive and A caught up with round 2');

      // 3. A worker of B reads a batch of round 2 and dies before committing: those entries stay pending in B's group.
      const doomed = runtime([projectorB], { batchSize: 2, faults: (point) => { if (point === 'before-commit') throw new Error('worker died mid-batch'); } });
      await expect(doomed.drain({ maxMs: 5_000, maxEvents: 100, releaseLeases: true })).rejects.toThrow('worker died mid-batch');
      const pendingBefore = await Promise.all(Array.from({ length: PARTITIONS }, (_, p) => pendingIds(projectorB.name, p)));
      expect(pendingBefore.flat().length).toBeGreaterThan(0);

      // 4. Trim. B is the lowest on every partition, so the cut is exactly at its checkpoint.
      const bDone = await checkpoints(projectorB.name);
      const trimmed = await trimStreams({ db, redis, keys, partitions: PARTITIONS, projectorNames: names });
      expect(trimmed.reduce((n, r) => n + r.removed, 0)).toBeGreaterThan(0);
      for (const r of trimmed) expect(r.trimmedBelow, `partition ${r.partition}`).toBe(bDone.get(r.partition));
      const afterTrim = await Promise.all(Array.from({ length: PARTITIONS }, (_, p) => streamIds(p)));
      for (const name of names) {
        const done = await checkpoints(name);
        for (let p = 0; p < PARTITIONS; p++) {
          const kept = new Set(afterTrim[p]);
          const missing = acked.filter((e) => e.position.partition === p && compareStreamIds(e.position.id, done.get(p) ?? '0-0') > 0 && !kept.has(e.position.id));
          expect(missing, `entries ${name} has not processed on partition ${p}`).toEqual([]);
        }
      }
      // The entries the dead worker left pending are still there, with their content.
      for (let p = 0; p < PARTITIONS; p++) {
        for (const id of pendingBefore[p] ?? []) {
          const [entry] = (await redis.xRange(keys.stream(p), id, id)) ?? [];
          expect(entry?.message.e, `pending entry ${id} kept by the trim`).toBeTruthy();
        }
      }

      // 5. Crash Redis while a writer keeps appending. The trim, the pending entries and every acknowledged append survive.
      let writing = true;
      let writeFailures = 0;
      const ackedBeforeCrash = acked.length;
      const writer = (async () => {
        const organizationId = orgs[0] ?? 'org-missing';
        const aggregateId = `${organizationId}/during-crash`;
        for (let i = 0; i < 5_000 && writing; i++) {
          try {
            await append(organizationId, aggregateId, i % 2 === 0 ? 1 : 3, `crash-${i}`);
          } catch (error) {
            writeFailures += 1;
            if (error instanceof ConflictError) {
              // The failed append landed after all: continue from the stored version.
              const current = await redis.get(keys.version(partitionOf(organizationId, PARTITIONS), aggregateId)).then((v) => Number(v ?? 0), () => null);
              if (current !== null) versions.set(aggregateId, current);
            } else {
              await eventually(() => redis.isReady || !writing, 20_000, 'writer sees redis again').catch(() => undefined);
            }
          }
        }
      })();
      try {
        await eventually(() => acked.length >= ackedBeforeCrash + 10, 10_000, 'appends running before the crash');
        const snapshot = await Promise.all(Array.from({ length: PARTITIONS }, (_, p) => streamIds(p)));
        await crashAndRestart();
        const resumedAt = acked.length;
        await eventually(() => acked.length >= resumedAt + 10, 10_000, 'appends running after the restart');
        writing = false;
        await writer;
        const afterCrash = await Promise.all(Array.from({ length: PARTITIONS }, (_, p) => streamIds(p)));
        // What was there before the crash is still there, in order, and nothing trimmed came back.
        for (let p = 0; p < PARTITIONS; p++) expect(afterCrash[p]?.slice(0, snapshot[p]?.length), `partition ${p} after the crash`).toEqual(snapshot[p]);
        expect(await Promise.all(Array.from({ length: PARTITIONS }, (_, p) => pendingIds(projectorB.name, p)))).toEqual(pendingBefore);
      } finally {
        writing = false;
        await writer;
      }
      expect(writeFailures, 'appends failed during the crash').toBeGreaterThan(0);

      // 6. A new worker of B claims the dead one's entries and catches up; A and the archive catch up with the crash-time appends.
      await drainUntilCaughtUp(runtime([archiveProjector, projectorA]), [archiveProjector, projectorA], 'archive and A caught up after the crash');
      await drainUntilCaughtUp(runtime([projectorB]), [projectorB], 'B caught up after the crash');
      for (const name of names) {
        for (let p = 0; p < PARTITIONS; p++) expect(await pendingIds(name, p), `${name} pending on partition ${p}`).toEqual([]);
      }
      expect(await db.select().from(deadLetters).where(inArray(deadLetters.projector, [projectorA.name, projectorB.name]))).toEqual([]);

      // Every acknowledged event is in the archive exactly once, at its position; versions there are contiguous.
      const archived = await db
        .select({ eventId: eventLog.eventId, partition: eventLog.partition, streamId: eventLog.streamId, aggregateId: eventLog.aggregateId, aggregateVersion: eventLog.aggregateVersion, data: eventLog.data })
        .from(eventLog)
        .where(inArray(eventLog.organizationId, orgs))
        .orderBy(eventLog.partition, eventLog.streamMs, eventLog.streamSeq);
      const archivedById = new Map(archived.map((r) => [r.eventId, r]));
      expect(acked.filter((e) => { const row = archivedById.get(e.eventId); return row?.partition !== e.position.partition || row.streamId !== e.position.id; })).toEqual([]);
      const archivedVersions = new Map<string, number[]>();
      for (const row of archived) archivedVersions.set(row.aggregateId, [...(archivedVersions.get(row.aggregateId) ?? []), row.aggregateVersion]);
      for (const [aggregateId, seen] of archivedVersions) expect(seen, aggregateId).toEqual(Array.from({ length: seen.length }, (_, i) => i + 1));

      // A is right (it matches the archive), and B, though it lagged through a trim and a crash, equals A.
      // Sorted here, not by Postgres, so both sides use the same (code unit) order whatever the collation.
      const rowsOf = async (table: string) =>
        [...(await db.execute<{ aggregate_id: string; total: string; version: number; applied: number }>(
          sql`select aggregate_id, total, version, applied from ${sql.identifier(table)}`,
        ))]
          .filter((r) => orgs.some((o) => r.aggregate_id.startsWith(o)))
          .sort((a, b) => (a.aggregate_id < b.aggregate_id ? -1 : 1));
      const expected = [...archivedVersions.keys()].sort().map((aggregateId) => {
        const rows = archived.filter((r) => r.aggregateId === aggregateId);
        const total = rows.reduce((n, r) => n + counterIncremented.data.parse(r.data).by, 0);
        return { aggregate_id: aggregateId, total: String(total), version: rows.length, applied: rows.length };
      });
      const liveA = await rowsOf(tableA);
      expect(liveA).toEqual(expected);
      expect(await rowsOf(tableB)).toEqual(liveA);

      // 7. Trim again (now everything is processed), then rebuild a fresh table from the archive alone.
      const finalTrim = await trimStreams({ db, redis, keys, partitions: PARTITIONS, projectorNames: names });
      expect(finalTrim.reduce((n, r) => n + r.removed, 0)).toBeGreaterThan(0);
      for (let p = 0; p < PARTITIONS; p++) expect(await streamIds(p), `partition ${p} keeps only its last entry`).toHaveLength(1);
      const replay = await db.transaction((tx) => replayArchive({ tx, catalogue: testCatalogue, projector: countersProjector(rebuilt) }));
      expect(replay.failed).toEqual([]);
      expect(await rowsOf(rebuilt)).toEqual(liveA);
    } finally {
      for (const rt of runtimes) await rt.releaseAll().catch(() => undefined);
    }
  });
});
