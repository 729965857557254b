/**
 * `npm run events -- <command>`: operator commands on the event log.
 *
 *   rebuild-state   recompute every aggregate's write-side version and state
 *                   by folding the archive and the stream tail (safe while the
 *                   app runs). Run it after Redis lost keys, after changing a
 *                   decider's `evolve`, or when a command answers that stored
 *                   state cannot be used.
 */
import { loadScriptEnv } from './lib/load-env';
import { assertPostgresReachable, assertRedisReachable } from './lib/preflight';
import { runMain } from './lib/run-main';

const USAGE = 'Usage: npm run events -- rebuild-state';

runMain(async () => {
  const [command] = process.argv.slice(2);
  if (command !== 'rebuild-state') throw new Error(command ? `Unknown command "${command}". ${USAGE}` : USAGE);
  loadScriptEnv();
  const { env } = await import('../src/env');
  await Promise.all([assertPostgresReachable(env.DATABASE_URL), assertRedisReachable(env.REDIS_URL)]);
  const { rebuildAppWriteState } = await import('../src/server/app/write-state');
  const { getRedis } = await import('../src/server/redis');
  const { db } = await import('../src/server/db');
  const interactive = process.stdout.isTTY;
  try {
    const result = await rebuildAppWriteState(({ partition, events }) => {
      const line = `Folding the log: partition ${partition + 1}/${env.EVENT_PARTITIONS} · ${events.toLocaleString('en')} events`;
      if (interactive) process.stdout.write(`\r${line}`);
    });
    if (interactive) process.stdout.write('\n');
    console.log(
      `✔ Rebuilt write-side state: ${result.events} events, ${result.aggregates} aggregates, ${result.written} written, ${result.newer} already newer.`,
    );
    for (const failure of result.failed) console.error(`✖ ${failure.aggregateId} (partition ${failure.partition}): ${failure.error}`);
    if (result.failed.length > 0) process.exitCode = 1;
  } finally {
    getRedis().destroy();
    await db.$client.end({ timeout: 5 });
  }
});
