/**
 * `npm run partitions -- status`: the partition count the event log is laid
 * out in (as recorded in Redis), this environment's EVENT_PARTITIONS, and a
 * switch under way, if any. Exits 0 whatever it finds: it reports.
 */
import { assertPostgresReachable, assertRedisReachable } from '../lib/preflight';
import type { Command } from '../partitions';

export const command: Command = {
  summary: 'status                the recorded partition count, this environment’s, and a switch under way',
  async run(args) {
    if (args.length > 0) throw new Error(`Unknown argument "${args[0]}". Usage: npm run partitions -- status`);
    const { env } = await import('../../src/env');
    await Promise.all([assertPostgresReachable(env.DATABASE_URL), assertRedisReachable(env.REDIS_URL)]);
    const { appLayout } = await import('../../src/server/app/partitions');
    const { getRedis } = await import('../../src/server/redis');
    const { db } = await import('../../src/server/db');
    try {
      const layout = await appLayout();
      console.log(layout ? `Recorded layout: ${layout.partitions} partitions (epoch ${layout.epoch}).` : 'Recorded layout: none yet (the first append records it).');
      const same = !layout || layout.partitions === env.EVENT_PARTITIONS;
      console.log(`This environment: EVENT_PARTITIONS=${env.EVENT_PARTITIONS}${same ? '' : ` — differs: processes started with it are refused; set EVENT_PARTITIONS=${layout.partitions}`}.`);
      const switching = layout?.switching;
      if (switching) {
        const phase = switching.phase === 'frozen' ? 'frozen, waiting for projectors' : 'carrying the write side over';
        console.log(`Switch under way: ${layout.partitions} → ${switching.to} partitions since ${switching.startedAt} (${phase}); run \`npm run partitions -- switch ${switching.to}\` to finish it.`);
      }
    } finally {
      getRedis().destroy();
      await db.$client.end({ timeout: 5 });
    }
  },
};
