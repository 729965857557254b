/** The process's notice hub, created on first use. */
import { logger } from '~/server/logger';
import { metricsObserver } from '~/server/metrics';
import { createAppBlockingReads, getRedis, keys } from '~/server/redis';
import type { BlockingReads } from '~/server/redis/blocking-reads';
import { createNoticeHub, type NoticeHub } from './notices';

// globalThis has no such slot in its type; one instance survives dev hot reloads there.
const globalForHub = globalThis as unknown as { streamlineNoticeHub?: { hub: NoticeHub; reads: BlockingReads } };

export function noticeHub(): NoticeHub {
  if (!globalForHub.streamlineNoticeHub) {
    const reads = createAppBlockingReads('streamline:notices');
    globalForHub.streamlineNoticeHub = { hub: createNoticeHub({ redis: getRedis(), reads, keys, logger, observer: metricsObserver() }), reads };
  }
  return globalForHub.streamlineNoticeHub.hub;
}

/** Closes the hub's blocking connections, so a script or test process can exit. */
export function closeNoticeHub(): void {
  globalForHub.streamlineNoticeHub?.reads.close();
  delete globalForHub.streamlineNoticeHub;
}
