/**
 * `npm run db:regenerate`: the newest migration, written again from the
 * schema as it is now. A generator (`npm run new:read-model`, `new:module`)
 * writes a migration for its placeholder table; once the table has its real
 * columns, folding them into that migration gives one clean migration where
 * stacking a second one on top can come out wrong (drizzle-kit may add a
 * changed primary key before the column it names).
 *
 * Only a migration git does not track yet is regenerated: a committed one
 * may have run somewhere already, and changing it would leave that database
 * behind for good. Then the answer is a new migration (`npm run db:generate`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const journalSchema = z.looseObject({
  entries: z.array(z.looseObject({ idx: z.number(), tag: z.string() })),
});

export class RegenerateRefused extends Error {}

/** Whether git tracks `file` (committed or staged); false outside a git work tree. */
function gitTracks(root: string, file: string): boolean {
  try {
    execFileSync('git', ['ls-files', '--error-unmatch', file], { cwd: root, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface Regenerated {
  /** The tag of the migration removed, e.g. `0014_tasks-project-sizes`. */
  removed: string;
  /** The name it is generated again under (the tag without its number). */
  name: string;
}

/**
 * Removes the newest migration (its SQL, its snapshot, its journal entry),
 * then calls `generate(name)` to write it again under the same name.
 */
export function regenerateNewestMigration(root: string, generate: (name: string) => void): Regenerated {
  const journalFile = path.join(root, 'drizzle', 'meta', '_journal.json');
  if (!existsSync(journalFile)) throw new RegenerateRefused('No migrations yet (drizzle/meta/_journal.json is missing): run `npm run db:generate -- --name <name>`.');
  const journal = journalSchema.parse(JSON.parse(readFileSync(journalFile, 'utf8')));
  const newest = journal.entries.at(-1);
  if (!newest) throw new RegenerateRefused('No migrations yet: run `npm run db:generate -- --name <name>`.');
  const sqlFile = path.join('drizzle', `${newest.tag}.sql`);
  if (gitTracks(root, sqlFile)) {
    throw new RegenerateRefused(
      `${sqlFile} is in git already, so it may have run somewhere: it stays as it is. ` + 'Add a migration on top instead: `npm run db:generate -- --name <what-changed>`.',
    );
  }
  const name = newest.tag.replace(/^\d+_/, '');
  const snapshot = path.join(root, 'drizzle', 'meta', `${String(newest.idx).padStart(4, '0')}_snapshot.json`);
  rmSync(path.join(root, sqlFile), { force: true });
  rmSync(snapshot, { force: true });
  writeFileSync(journalFile, `${JSON.stringify({ ...journal, entries: journal.entries.slice(0, -1) }, null, 2)}\n`);
  generate(name);
  return { removed: newest.tag, name };
}
