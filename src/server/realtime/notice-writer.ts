/**
 * The writing side of change notices: after a projector commits a batch, one
 * small entry per organization it touched goes to that organization's notice
 * stream, which ./notices.ts reads and fans out. Edit it together with
 * `toNotice` there whenever a notice gains or loses a field.
 */
import type { Logger } from 'pino';
import { errorMessage } from '~/server/errors';
import { report, type Observer } from '~/server/observer';
import type { Redis } from '~/server/redis/client';
import type { Keys } from '~/server/redis/keys';

/** Per organization: the last stream id a batch applied for it, and the aggregates it changed. */
export type TouchedOrganizations = Map<string, { lastId: string; aggregates: Set<string> }>;

export function noteTouched(touched: TouchedOrganizations, organizationId: string, aggregateId: string, streamId: string): void {
  const entry = touched.get(organizationId) ?? { lastId: streamId, aggregates: new Set<string>() };
  entry.lastId = streamId;
  entry.aggregates.add(aggregateId);
  touched.set(organizationId, entry);
}

export function createNoticeWriter(opts: {
  redis: Redis;
  keys: Keys;
  logger: Logger;
  /** Length kept in each organization's stream. */
  maxLen?: number;
  /** Told how many notices each batch sent (metrics). */
  observer?: Observer;
}) {
  const maxLen = opts.maxLen ?? 1_000;

  /** Sends one notice per touched organization; never throws. */
  async function send(projector: string, partition: number, touched: TouchedOrganizations): Promise<void> {
    let sent = 0;
    await Promise.all(
      [...touched].map(([organizationId, t]) =>
        opts.redis
          .xAdd(
            opts.keys.changes(organizationId),
            '*',
            { projector, partition: String(partition), position: t.lastId, aggregates: JSON.stringify([...t.aggregates]) },
            { TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: maxLen } },
          )
          .then(() => {
            sent += 1;
          })
          // A lost notice delays a live view until the next one; it never loses data.
          .catch((error: unknown) => opts.logger.warn({ err: errorMessage(error), organizationId }, 'change notice not sent')),
      ),
    );
    report(opts.observer, (o) => o.notices?.({ projector, sent }));
  }

  return { send };
}

export type NoticeWriter = ReturnType<typeof createNoticeWriter>;
