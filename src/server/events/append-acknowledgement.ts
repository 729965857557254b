/**
 * What stands between an append the script made and its acknowledgement: the
 * write on disk (WAITAOF) and on replicas (WAIT), each asked on the connection
 * that appended; and what an append that Redis refused or did not answer
 * throws, saying whether anything was written.
 */
import { ClientClosedError, ClientOfflineError, ErrorReply, MaxCommandRedirectionsError, RootNodesUnavailableError, SocketClosedUnexpectedlyError, TimeoutError } from 'redis';
import { z } from 'zod';
import { AppError, errorMessage } from '~/server/errors';
import { nodeFor, type Redis } from '~/server/redis/client';

/**
 * Waits until `replicas` replicas of the master that took the append have it
 * (`WAIT`, on the connection that appended), so a failover to one of them
 * keeps it. Replication is asynchronous otherwise: Redis acknowledges a write
 * before any replica has it.
 */
export async function waitForReplicas(redis: Redis, stream: string, replicas: number): Promise<void> {
  const node = await nodeFor(redis, stream);
  const reached = Number(await node.sendCommand(['WAIT', String(replicas), '5000']));
  if (reached < replicas) {
    throw new AppError(
      'UNAVAILABLE',
      `The change was written but reached ${reached} of the ${replicas} Redis replicas it must be on within 5 s, so a failover could lose it. Retry with the same idempotency key.`,
    );
  }
}

/** Replies of a server that refuses a command for now: a cluster without this slot's master, a failover, a load from disk. */
const REFUSED_FOR_NOW = /^(CLUSTERDOWN|TRYAGAIN|MASTERDOWN|LOADING|READONLY)\b/;

/**
 * Redis did not take the append: it is down or unreachable, or (on a cluster)
 * the master of this organization's partition is. Other partitions' masters
 * may still append. Said as it is: a refusal wrote nothing, while an
 * unanswered script may have run.
 */
export class EventLogUnavailableError extends AppError {
  constructor(
    readonly written: 'nothing' | 'unknown',
    cause: unknown,
  ) {
    super(
      'UNAVAILABLE',
      written === 'nothing'
        ? `The event log cannot take changes right now (${errorMessage(cause)}); nothing was written. Try again shortly.`
        : `The event log did not answer (${errorMessage(cause)}), so the change may or may not have been written. Retry with the same idempotency key.`,
      { cause },
    );
  }

  /** The error to throw for a failed append script, or null when it is not about Redis being unavailable. */
  static from(error: unknown): EventLogUnavailableError | null {
    if (error instanceof ErrorReply) return REFUSED_FOR_NOW.test(error.message) ? new EventLogUnavailableError('nothing', error) : null;
    const unreached = error instanceof ClientOfflineError || error instanceof ClientClosedError || error instanceof RootNodesUnavailableError;
    if (unreached) return new EventLogUnavailableError('nothing', error);
    const unanswered = error instanceof TimeoutError || error instanceof SocketClosedUnexpectedlyError || error instanceof MaxCommandRedirectionsError;
    return unanswered ? new EventLogUnavailableError('unknown', error) : null;
  }
}

/**
 * Waits until the append is fsynced to the AOF. Older servers (no WAITAOF) must
 * run `appendfsync always`, which fsyncs before replying (see ./durability.ts).
 */
export async function waitForAof(redis: Redis, stream: string): Promise<void> {
  // On the connection that appended: WAITAOF waits for that connection's last write.
  const node = await nodeFor(redis, stream);
  const reply = z.array(z.number()).parse(await node.sendCommand(['WAITAOF', '1', '0', '5000']));
  if ((reply[0] ?? 0) < 1) {
    // Said as it is: the events are in the stream, only their fsync is unconfirmed.
    throw new AppError('UNAVAILABLE', 'The change was written but Redis did not confirm it on disk within 5 s, so it may or may not be kept. Retry with the same idempotency key.');
  }
}
