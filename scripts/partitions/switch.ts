/**
 * `npm run partitions -- switch <M> [--yes] [--timeout <seconds>]`: changes
 * the number of partitions the event log is laid out in, on a live system
 * (src/server/events/layout-switch.ts says how). Asks first on a terminal;
 * elsewhere it needs `--yes`. Prints each step. Interrupted, it is finished
 * by running it again.
 *
 * Exit codes: 0 switched; 1 refused (one line saying why) or failed.
 */
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline/promises';
import { z } from 'zod';
import { assertPostgresReachable, assertRedisReachable } from '../lib/preflight';
import type { Command } from '../partitions';

const USAGE = 'Usage: npm run partitions -- switch <M> [--yes] [--timeout <seconds>]';

const argsSchema = z.object({
  to: z.coerce.number({ error: 'The partition count must be a number.' }).int('The partition count must be a whole number.').min(1, 'The partition count must be at least 1.').max(256, 'The partition count must be at most 256.'),
  yes: z.boolean(),
  timeoutSeconds: z.coerce.number({ error: '--timeout must be a number of seconds.' }).int().min(1, '--timeout must be at least 1 s.').max(3_600, '--timeout must be at most 3600 s.'),
});

function parse(args: string[]): z.output<typeof argsSchema> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { yes: { type: 'boolean', default: false }, timeout: { type: 'string', default: '120' } } });
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}. ${USAGE}`);
  }
  const [to, ...extra] = parsed.positionals;
  if (to === undefined || extra.length > 0) throw new Error(USAGE);
  const checked = argsSchema.safeParse({ to, yes: parsed.values.yes, timeoutSeconds: parsed.values.timeout });
  if (!checked.success) throw new Error(`${checked.error.issues[0]?.message ?? 'Invalid arguments.'} ${USAGE}`);
  return checked.data;
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

export const command: Command = {
  summary: 'switch <M> [--yes]    lay the event log out in M partitions (1–256); commands pause meanwhile',
  async run(args) {
    const { to, yes, timeoutSeconds } = parse(args);
    const { env } = await import('../../src/env');
    await Promise.all([assertPostgresReachable(env.DATABASE_URL), assertRedisReachable(env.REDIS_URL)]);
    const { appLayout, switchAppPartitions } = await import('../../src/server/app/partitions');
    const { getRedis } = await import('../../src/server/redis');
    const { db } = await import('../../src/server/db');
    process.once('SIGINT', () => {
      console.error('\nInterrupted. Commands stay refused until the switch ends: run the same command again to finish it.');
      process.exit(130);
    });
    try {
      const layout = await appLayout();
      const from = layout?.partitions ?? env.EVENT_PARTITIONS;
      if (!yes && !layout?.switching && from !== to) {
        if (!process.stdin.isTTY) throw new Error('Not on a terminal, so nothing asks for confirmation: add --yes to switch.');
        const question = `Switch the event log from ${from} to ${to} partitions? Commands are refused (retryably) until it ends, and afterwards every process must run with EVENT_PARTITIONS=${to}.`;
        if (!(await confirm(question))) throw new Error('Not switched.');
      }
      const outcome = await switchAppPartitions(to, { timeoutMs: timeoutSeconds * 1000, onProgress: (line) => console.log(line) });
      if (!outcome.ok) throw new Error(outcome.reason);
      const { aggregates, claims, idempotencyRecords, unreadable } = outcome.carried;
      console.log(
        `✔ Switched from ${outcome.from} to ${outcome.to} partitions${outcome.resumed ? ' (finished an interrupted switch)' : ''}: moved ${aggregates} aggregates, ${claims} claims and ${idempotencyRecords} idempotency records.`,
      );
      console.log(`Now redeploy every process (web and workers) with EVENT_PARTITIONS=${outcome.to}. Until then, processes with another count refuse commands with a message saying so.`);
      for (const id of unreadable) console.error(`✖ ${id}: its stored state could not be read, so the claims it holds were not moved and are not found under the new layout.`);
      if (unreadable.length > 0) process.exitCode = 1;
    } finally {
      getRedis().destroy();
      await db.$client.end({ timeout: 5 });
    }
  },
};
