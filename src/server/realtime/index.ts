/** The process's notice hub, created on first use. */
import { env } from '~/env';
import { logger } from '~/server/logger';
import { metricsObserver } from '~/server/metrics';
import { connectInBackground, createBlockingRedis, getRedis, keys, type Redis } from '~/server/redis';
import { createNoticeHub, type NoticeHub } from './notices';

// globalThis has no such slot in its type; one instance survives dev hot reloads there.
const globalForHub = globalThis as unknown as { streamlineNoticeHub?: { hub: NoticeHub; blocking: Redis } };

export function noticeHub(): NoticeHub {
  if (!globalForHub.streamlineNoticeHub) {
    const blocking = createBlockingRedis({ url: env.REDIS_URL, logger, name: 'streamline:notices' });
    connectInBackground(blocking);
    globalForHub.streamlineNoticeHub = { hub: createNoticeHub({ redis: getRedis(), blocking, keys, logger, observer: metricsObserver() }), blocking };
  }
  return globalForHub.streamlineNoticeHub.hub;
}

/** Closes the hub's blocking connection, so a script or test process can exit. */
export function closeNoticeHub(): void {
  globalForHub.streamlineNoticeHub?.blocking.destroy();
  delete globalForHub.streamlineNoticeHub;
}
