/**
 * The operations machinery wired to the app: its clients, partitions and
 * projectors. The operations router (src/server/modules/operations) and
 * `npm run projections` call these; a projector is named as in ./projectors.ts.
 */
import { and, count, eq } from 'drizzle-orm';
import { db } from '~/server/db';
import { deadLetters } from '~/server/db/event-core-schema';
import { AppError } from '~/server/errors';
import { pageDeadLetters } from '~/server/projectors/dead-letter-page';
import { retryDeadLetters, skipDeadLetter } from '~/server/projectors/dead-letters';
import type { Projector } from '~/server/projectors/define-projector';
import { operationsStatus } from '~/server/projectors/operations-status';
import { catalogue } from './catalogue';
import { appStatusOptions, projectors } from './projectors';

export function appOperationsStatus() {
  return operationsStatus(appStatusOptions());
}

export function appDeadLetters(page: { limit: number; offset: number }) {
  return pageDeadLetters(db, page);
}

function projectorNamed(name: string): Projector {
  const projector = projectors.find((p) => p.name === name);
  if (!projector) throw new AppError('NOT_FOUND', `No projector named "${name}".`);
  return projector;
}

/**
 * Applies an aggregate's parked events for one projector, in order, after a
 * fix. All of them or none: a failure is a CONFLICT naming the event and the
 * handler's error, and leaves them parked.
 */
export async function retryAppDeadLetters(projectorName: string, aggregateId: string): Promise<{ applied: number }> {
  const projector = projectorNamed(projectorName);
  const [parked] = await db
    .select({ n: count() })
    .from(deadLetters)
    .where(and(eq(deadLetters.projector, projector.name), eq(deadLetters.aggregateId, aggregateId)));
  if (!parked?.n) throw new AppError('NOT_FOUND', `No parked events of ${aggregateId} for ${projector.name}: already retried or skipped?`);
  return retryDeadLetters({ db, catalogue, projector }, aggregateId);
}

/**
 * Drops one parked event for good, then retries the events of its aggregate
 * parked behind it; if one of those still fails, nothing changes (CONFLICT).
 */
export function skipAppDeadLetter(projectorName: string, partition: number, streamId: string): Promise<{ applied: number }> {
  return skipDeadLetter({ db, catalogue, projector: projectorNamed(projectorName) }, partition, streamId);
}
