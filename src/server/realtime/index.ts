/** The process's notice hub, created on first use. */
import { env } from '~/env';
import { logger } from '~/server/logger';
import { connectInBackground, createBlockingRedis, getRedis, keys } from '~/server/redis';
import { createNoticeHub, type NoticeHub } from './notices';

// globalThis has no such slot in its type; one instance survives dev hot reloads there.
const globalForHub = globalThis as unknown as { streamlineNoticeHub?: NoticeHub };

export function noticeHub(): NoticeHub {
  if (!globalForHub.streamlineNoticeHub) {
    const blocking = createBlockingRedis({ url: env.REDIS_URL, logger, name: 'streamline:notices' });
    connectInBackground(blocking);
    globalForHub.streamlineNoticeHub = createNoticeHub({ redis: getRedis(), blocking, keys, logger });
  }
  return globalForHub.streamlineNoticeHub;
}
