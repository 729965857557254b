/**
 * `npm run projections -- <command> [args]`: operator commands on the read side.
 * Each command lives in ./projections/<command>.ts and is listed in COMMANDS.
 */
import { loadScriptEnv } from './lib/load-env';
import { runMain } from './lib/run-main';

interface Command {
  summary: string;
  run(args: string[]): Promise<void>;
}

const COMMANDS: Record<string, () => Promise<Command>> = {
  status: async () => (await import('./projections/status')).status,
  rebuild: () => import('./projections/rebuild').then((m) => m.command),
};

function usage(): string {
  const lines = Object.keys(COMMANDS).map((name) => `  ${name}`);
  return ['Usage: npm run projections -- <command>', 'Commands:', ...lines].join('\n');
}

runMain(async () => {
  const [name, ...args] = process.argv.slice(2);
  const load = name ? COMMANDS[name] : undefined;
  if (!load) throw new Error(name ? `Unknown command "${name}".\n${usage()}` : usage());
  loadScriptEnv();
  const command = await load();
  await command.run(args);
});

export type { Command };
