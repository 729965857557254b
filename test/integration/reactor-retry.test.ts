/**
 * A reactor's effect happens once per event whichever path applies it: the
 * runtime, an operator's dead-letter retry, or an archive replay.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendEvents } from '~/server/events/append';
import { archiveProjector } from '~/server/projectors/archive';
import { listDeadLetters, retryDeadLetters } from '~/server/projectors/dead-letters';
import { defineReactor } from '~/server/projectors/define-projector';
import { replayArchive } from '~/server/projectors/replay';
import { counterIncremented, testCatalogue } from '../support/event-core';
import { createHarness, type Harness } from '../support/event-harness';

let h: Harness;
beforeEach(async () => {
  h = await createHarness({ partitions: 2 });
});
afterEach(() => h.close());

const inc = (by: number, note: string) => counterIncremented.create({ by, note });
const short = () => randomUUID().slice(0, 8);

/** A reactor that "mails" every counter increment into its own table, and refuses notes in `refused`. */
async function mailer() {
  const table = `mails_${short()}`;
  await h.db.execute(sql.raw(`create table "${table}" (event_id text not null, organization_id text not null, note text not null)`));
  const refused = new Set<string>();
  const reactor = defineReactor({
    name: `mailer-${short()}`,
    events: [counterIncremented],
    handlers: {
      'counter.incremented': async (event, tx) => {
        await tx.execute(sql`insert into ${sql.identifier(table)} values (${event.id}, ${event.organizationId}, ${event.data.note})`);
        if (refused.has(event.data.note)) throw new Error(`mail server refuses ${event.data.note}`);
      },
    },
  });
  // The archive holds other tests' events too: count only this organization's mails.
  const sent = async (organizationId: string) =>
    (
      await h.db.execute<{ note: string }>(sql`select note from ${sql.identifier(table)} where organization_id = ${organizationId} order by note`)
    ).map((r) => r.note);
  return { reactor, refused, sent };
}

const ops = (reactor: ReturnType<typeof defineReactor>) => ({ db: h.db, catalogue: testCatalogue, projector: reactor });

describe('reactor effects survive retry and replay', () => {
  it('a parked reactor event acts exactly once when retried, and not again when the archive is replayed', async () => {
    const { reactor, refused, sent } = await mailer();
    refused.add('b');
    const organizationId = randomUUID();
    await appendEvents(h.store, { organizationId, actorId: 'u', streams: [{ aggregateId: 'r', expectedVersion: 0, events: [inc(1, 'a'), inc(2, 'b'), inc(3, 'c')] }] });
    const runtime = h.runtime([archiveProjector, reactor], { maxAttempts: 2 });
    await runtime.drain({ maxMs: 10_000, maxEvents: 100 });
    await runtime.releaseAll();

    // The failing attempts were rolled back with their savepoints: only 'a' went out; 'b' and 'c' wait.
    expect(await sent(organizationId)).toEqual(['a']);
    expect((await listDeadLetters(h.db, reactor.name)).map((d) => [d.status, d.attempts])).toEqual([
      ['failed', 2],
      ['blocked', 0],
    ]);

    refused.clear();
    await expect(retryDeadLetters(ops(reactor), 'r')).resolves.toEqual({ applied: 2 });
    expect(await sent(organizationId)).toEqual(['a', 'b', 'c']);
    expect(await listDeadLetters(h.db, reactor.name)).toEqual([]);

    // A rebuild replaying the archive through the reactor finds every effect already performed.
    const replay = await h.db.transaction((tx) => replayArchive({ tx, catalogue: testCatalogue, projector: reactor }));
    expect(replay.failed).toEqual([]);
    expect(await sent(organizationId)).toEqual(['a', 'b', 'c']);
  });

  it('dead letters whose effect a replay already performed are cleared without acting again', async () => {
    const { reactor, refused, sent } = await mailer();
    refused.add('y');
    const organizationId = randomUUID();
    await appendEvents(h.store, { organizationId, actorId: 'u', streams: [{ aggregateId: 'q', expectedVersion: 0, events: [inc(1, 'x'), inc(2, 'y'), inc(3, 'z')] }] });
    const runtime = h.runtime([archiveProjector, reactor], { maxAttempts: 1 });
    await runtime.drain({ maxMs: 10_000, maxEvents: 100 });
    await runtime.releaseAll();
    expect(await sent(organizationId)).toEqual(['x']);
    expect(await listDeadLetters(h.db, reactor.name)).toHaveLength(2);

    // The mail server recovers and a rebuild replays the archive first: 'x' is not sent again, 'y' and 'z' go out.
    refused.clear();
    await h.db.transaction((tx) => replayArchive({ tx, catalogue: testCatalogue, projector: reactor }));
    expect(await sent(organizationId)).toEqual(['x', 'y', 'z']);

    // Then the operator retries the parked events: nothing is sent twice.
    await expect(retryDeadLetters(ops(reactor), 'q')).resolves.toEqual({ applied: 0 });
    expect(await listDeadLetters(h.db, reactor.name)).toEqual([]);
    expect(await sent(organizationId)).toEqual(['x', 'y', 'z']);
  });
});
