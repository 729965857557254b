/**
 * `npm run projections -- rebuild <projector>`: rebuilds one read model from
 * the archive and the stream tail into fresh tables, then switches readers to
 * them in one transaction (src/server/projectors/rebuild.ts). Safe while the
 * app and workers run: they keep serving the old tables until the switch.
 * Shows a progress bar on a terminal (a line every few seconds otherwise) and
 * records the rebuild in `projection_rebuilds`, where the operations page
 * shows it. Ctrl-C stops it before the switch; the old tables stay.
 *
 * Exit codes: 0 rebuilt; 1 refused (unknown name, one already running) or failed.
 */
import { assertPostgresReachable, assertRedisReachable } from '../lib/preflight';
import type { Command } from '../projections';
import { createProgressOutput } from './progress';

export const command: Command = {
  summary: 'rebuild <projector>   rebuild one read model into fresh tables while the app serves the old ones',
  async run(args) {
    const { env } = await import('../../src/env');
    const { rebuildableNames, runAppRebuild } = await import('../../src/server/app/projection-rebuilds');
    const [name, ...extra] = args;
    const usage = `Usage: npm run projections -- rebuild <projector>\nRebuildable projectors: ${rebuildableNames.join(', ')}.`;
    if (!name || extra.length > 0) throw new Error(usage);
    if (!rebuildableNames.includes(name)) throw new Error(`Cannot rebuild "${name}". Rebuildable projectors: ${rebuildableNames.join(', ')}.`);
    await Promise.all([assertPostgresReachable(env.DATABASE_URL), assertRedisReachable(env.REDIS_URL)]);
    const { getRedis } = await import('../../src/server/redis');
    const { db } = await import('../../src/server/db');

    const stop = new AbortController();
    process.once('SIGINT', () => {
      console.error('\nStopping before the switch; the old tables stay.');
      stop.abort();
    });
    const progress = createProgressOutput(process.stderr, `Rebuilding ${name}:`);
    try {
      const result = await runAppRebuild(name, { requestedBy: 'cli', onProgress: (p) => progress.update(p), signal: stop.signal });
      progress.end();
      const parked = result.parked > 0 ? `, ${result.parked} parked in dead letters` : '';
      console.log(`✔ Rebuilt ${name} (#${result.id}): ${result.events.toLocaleString('en')} events in ${(result.ms / 1000).toFixed(1)} s${parked}; readers now use the new tables.`);
    } finally {
      progress.end();
      getRedis().destroy();
      await db.$client.end({ timeout: 5 });
    }
  },
};
