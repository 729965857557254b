import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { regenerateNewestMigration, RegenerateRefused } from './regenerate-migration';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A project folder in a git repository with two migrations, 0000 committed and 0001 not. */
function project(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'streamline-regenerate-'));
  dirs.push(root);
  mkdirSync(path.join(root, 'drizzle', 'meta'), { recursive: true });
  const entries = ['0000_init', '0001_tasks-project-sizes'].map((tag, idx) => ({ idx, version: '7', when: 1_700_000_000_000 + idx, tag, breakpoints: true }));
  for (const { idx, tag } of entries) {
    writeFileSync(path.join(root, 'drizzle', `${tag}.sql`), `-- ${tag}\n`);
    writeFileSync(path.join(root, 'drizzle', 'meta', `000${idx}_snapshot.json`), '{}\n');
  }
  writeFileSync(path.join(root, 'drizzle', 'meta', '_journal.json'), JSON.stringify({ version: '7', dialect: 'postgresql', entries }));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, stdio: 'ignore' });
  git('init', '-q');
  git('add', 'drizzle/0000_init.sql', 'drizzle/meta/0000_snapshot.json');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'init');
  return root;
}

const journalTags = (root: string) =>
  z
    .object({ entries: z.array(z.object({ tag: z.string() })) })
    .parse(JSON.parse(readFileSync(path.join(root, 'drizzle', 'meta', '_journal.json'), 'utf8')))
    .entries.map((e) => e.tag);

describe('npm run db:regenerate', () => {
  it('removes the newest migration git does not track (SQL, snapshot, journal entry) and generates it again under its name', () => {
    const root = project();
    const generated: string[] = [];
    const result = regenerateNewestMigration(root, (name) => {
      expect(journalTags(root)).toEqual(['0000_init']);
      generated.push(name);
    });
    expect(result).toEqual({ removed: '0001_tasks-project-sizes', name: 'tasks-project-sizes' });
    expect(generated).toEqual(['tasks-project-sizes']);
    expect(existsSync(path.join(root, 'drizzle', '0001_tasks-project-sizes.sql'))).toBe(false);
    expect(existsSync(path.join(root, 'drizzle', 'meta', '0001_snapshot.json'))).toBe(false);
    expect(existsSync(path.join(root, 'drizzle', '0000_init.sql'))).toBe(true);
  });

  it('refuses a migration git tracks, changing nothing, and says to add one on top', () => {
    const root = project();
    regenerateNewestMigration(root, () => undefined); // 0001 gone: 0000, committed, is the newest now
    const generate = (name: string) => {
      throw new Error(`generate must not run (asked for ${name})`);
    };
    expect(() => regenerateNewestMigration(root, generate)).toThrow(RegenerateRefused);
    expect(() => regenerateNewestMigration(root, generate)).toThrow(/drizzle\/0000_init\.sql is in git already[\s\S]*npm run db:generate -- --name/);
    expect(journalTags(root)).toEqual(['0000_init']);
    expect(existsSync(path.join(root, 'drizzle', '0000_init.sql'))).toBe(true);
    expect(existsSync(path.join(root, 'drizzle', 'meta', '0000_snapshot.json'))).toBe(true);
  });
});
