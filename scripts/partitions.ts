/**
 * `npm run partitions -- <command> [args]`: operator commands on the event
 * log's partition layout. Each command lives in ./partitions/<command>.ts and
 * is listed in COMMANDS.
 */
import { loadScriptEnv } from './lib/load-env';
import { runMain } from './lib/run-main';

export interface Command {
  /** One line of the usage: the command, its arguments and what it does. */
  summary: string;
  run(args: string[]): Promise<void>;
}

const COMMANDS: Record<string, () => Promise<Command>> = {
  status: async () => (await import('./partitions/status')).command,
  switch: async () => (await import('./partitions/switch')).command,
};

async function usage(): Promise<string> {
  const commands = await Promise.all(Object.values(COMMANDS).map((load) => load()));
  return ['Usage: npm run partitions -- <command>', 'Commands:', ...commands.map((c) => `  ${c.summary}`)].join('\n');
}

runMain(async () => {
  const [name, ...args] = process.argv.slice(2);
  const load = name ? COMMANDS[name] : undefined;
  if (!load) throw new Error(name ? `Unknown command "${name}".\n${await usage()}` : await usage());
  loadScriptEnv();
  const command = await load();
  await command.run(args);
});
