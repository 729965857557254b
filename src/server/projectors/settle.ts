/**
 * Read-your-writes: after a command, wait (bounded) until every projector has
 * committed past the command's last event, so the caller's next query sees
 * it. Without a worker holding the partition, the wait drains it in-process
 * (as a serverless function would); with one, it watches the checkpoints.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { db } from '~/server/db';
import { projectorCheckpoints } from '~/server/db/event-core-schema';
import { compareStreamIds, type Position } from '~/server/events/envelope';
import { createAppRuntime, projectorNames } from './index';

// globalThis has no such slot in its type; one instance survives dev hot reloads there.
const globalForSettle = globalThis as unknown as { streamlineSettleRuntime?: ReturnType<typeof createAppRuntime> };

/** One runtime per process for inline drains, so consumer groups are set up once, not on every command. */
function settleRuntime() {
  globalForSettle.streamlineSettleRuntime ??= createAppRuntime(`settle-${randomUUID().slice(0, 8)}`);
  return globalForSettle.streamlineSettleRuntime;
}

export async function settle(position: Position | undefined, timeoutMs = 2_000): Promise<{ settled: boolean }> {
  if (!position) return { settled: true };
  const deadline = Date.now() + timeoutMs;
  const runtime = settleRuntime();
  for (;;) {
    const rows = await db
      .select({ lastId: projectorCheckpoints.lastId })
      .from(projectorCheckpoints)
      .where(and(eq(projectorCheckpoints.partition, position.partition), inArray(projectorCheckpoints.projector, projectorNames)));
    const passed = rows.length === projectorNames.length && rows.every((r) => compareStreamIds(r.lastId, position.id) >= 0);
    if (passed) return { settled: true };
    if (Date.now() >= deadline) return { settled: false };
    const drained = await runtime.drain({ partitions: [position.partition], maxMs: deadline - Date.now(), maxEvents: 5_000, releaseLeases: true });
    if (drained.partitions.length === 0) await new Promise((resolve) => setTimeout(resolve, 25)); // a worker holds it: let it work
  }
}
