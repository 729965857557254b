/**
 * `npm run projections -- status [--json]`: the operations page's tables in a
 * terminal (partitions, every projector on every partition, workers, parked
 * events), laid out by src/lib/operations-table.ts like the page. `--json`
 * prints the status itself. Exits 0 whatever the projectors' state: it reports,
 * it does not judge (`/api/health` does).
 */
import { assertPostgresReachable, assertRedisReachable } from '../lib/preflight';
import type { Command } from '../projections';

const USAGE = 'Usage: npm run projections -- status [--json]';

export const status: Command = {
  summary: 'status [--json]       partitions, projector lag and pending entries, workers, dead letters',
  async run(args) {
    const unknown = args.filter((a) => a !== '--json');
    if (unknown.length > 0) throw new Error(`Unknown argument "${unknown[0]}". ${USAGE}`);
    const { env } = await import('../../src/env');
    await Promise.all([assertPostgresReachable(env.DATABASE_URL), assertRedisReachable(env.REDIS_URL)]);
    const { appOperationsStatus } = await import('../../src/server/app/operations');
    const { getRedis } = await import('../../src/server/redis');
    const { db } = await import('../../src/server/db');
    try {
      const snapshot = await appOperationsStatus();
      if (args.includes('--json')) {
        console.log(JSON.stringify(snapshot, null, 2));
        return;
      }
      const t = await import('../../src/lib/operations-table');
      const stalled = snapshot.projectors.filter((p) => p.stalled).length;
      console.log(
        [
          `Projections at ${snapshot.at} · ${stalled === 0 ? 'nothing stalled' : `${stalled} stalled (events waiting over ${t.formatDuration(snapshot.stallMs)})`}`,
          '',
          'Partitions',
          t.tableText(t.partitionTable(snapshot)),
          '',
          'Projectors',
          t.tableText(t.projectorTable(snapshot)),
          '',
          'Workers',
          t.tableText(t.workerTable(snapshot), 'No live worker.'),
          '',
          t.deadLetterSummary(snapshot),
        ].join('\n'),
      );
    } finally {
      getRedis().destroy();
      await db.$client.end({ timeout: 5 });
    }
  },
};
