/**
 * `npm run new:module`, `npm run new:event` and `npm run new:read-model`: the
 * generators of ./new/, run on this project. Each checks every name and
 * anchor before it writes anything, then prints what it wrote and the steps
 * left to you. A refusal prints one line saying why (and, for a registry
 * reshaped by hand, the line to add there).
 */
import path from 'node:path';
import { runMain } from './lib/run-main';
import { newEvent } from './new/event';
import { newModule } from './new/module';
import { formatReport, type Report } from './new/project';
import { newReadModel } from './new/read-model';

const GENERATORS: Record<string, (root: string, argv: ReadonlyArray<string>) => Report> = { module: newModule, event: newEvent, 'read-model': newReadModel };

runMain(async () => {
  const [kind = '', ...argv] = process.argv.slice(2);
  const generate = GENERATORS[kind];
  if (!generate) throw new Error(`Unknown generator "${kind}": use npm run new:module, new:event or new:read-model.`);
  console.log(formatReport(generate(path.resolve(import.meta.dirname, '..'), argv)));
});
