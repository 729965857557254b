/**
 * Running projectors without a long-lived worker (Vercel): a cron route calls
 * `cronDrain`, which drains every partition within a time budget and gives the
 * leases back, so a worker or the next drain can take over at once.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { env } from '~/env';
import { createAppRuntime, trimAppStreams } from './projectors';

const BUDGET_MS = 45_000;

export async function cronDrain(authorization: string | null): Promise<{ status: number; body: unknown }> {
  if (!env.CRON_SECRET) return { status: 404, body: { error: 'Not configured: set CRON_SECRET.' } };
  const expected = Buffer.from(`Bearer ${env.CRON_SECRET}`);
  const given = Buffer.from(authorization ?? '');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { status: 401, body: { error: 'Unauthorized' } };

  const runtime = createAppRuntime(`cron-${randomUUID().slice(0, 8)}`);
  const started = Date.now();
  const drained = await runtime.drain({ maxMs: BUDGET_MS, maxEvents: 100_000, releaseLeases: true });
  const trimmed = await trimAppStreams();
  return {
    status: 200,
    body: { events: drained.events, partitions: drained.partitions, trimmed: trimmed.reduce((n, t) => n + t.removed, 0), ms: Date.now() - started },
  };
}
