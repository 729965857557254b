/**
 * `npm run db:regenerate`: writes the newest migration again from the schema
 * as it is now, when git does not track it yet (./lib/regenerate-migration.ts).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { regenerateNewestMigration, RegenerateRefused } from './lib/regenerate-migration';

const root = path.resolve(import.meta.dirname, '..');

try {
  const { removed, name } = regenerateNewestMigration(root, (migration) => {
    // Inherited terminal: drizzle-kit asks whether a column was renamed or is new.
    const run = spawnSync(path.join(root, 'node_modules', '.bin', 'drizzle-kit'), ['generate', '--name', migration], { cwd: root, stdio: 'inherit' });
    if (run.status !== 0) throw new RegenerateRefused(`drizzle-kit generate failed; fix what it says and run \`npm run db:generate -- --name ${migration}\`.`);
  });
  console.log(`✔ Removed ${removed} and generated ${name} again from the schema as it is now.`);
  console.log('  A local database that already ran the old version keeps its old tables: drop them, or start from an empty .data/postgres.');
} catch (error) {
  if (!(error instanceof RegenerateRefused)) throw error;
  console.error(`✖ ${error.message}`);
  process.exitCode = 1;
}
