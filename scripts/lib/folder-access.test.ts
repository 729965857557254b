import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { folderOthersCannotEnter, postgresAccessProblem } from './folder-access';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function closedFolder() {
  const dir = mkdtempSync(path.join(tmpdir(), 'streamline-access-'));
  made.push(dir);
  chmodSync(dir, 0o700);
  mkdirSync(path.join(dir, 'project', 'node_modules'), { recursive: true });
  return dir;
}

describe('folderOthersCannotEnter', () => {
  it('finds the first folder on the way that other users cannot enter', () => {
    const dir = closedFolder();
    expect(folderOthersCannotEnter(path.join(dir, 'project', 'node_modules'))).toBe(dir);
    expect(postgresAccessProblem([tmpdir(), path.join(dir, 'project')])).toBe(
      `PostgreSQL runs as the "postgres" user when started as root, and that user cannot enter ${dir}. ` +
        `Run \`chmod o+x ${dir}\`, move the project to a folder other users can enter, or set DATABASE_URL to a server of your own.`,
    );
  });

  it('finds nothing once the folder can be entered, or for a folder not made yet', () => {
    const dir = closedFolder();
    chmodSync(dir, 0o711);
    expect(folderOthersCannotEnter(path.join(dir, 'project', 'node_modules'))).toBeNull();
    expect(folderOthersCannotEnter(path.join(dir, 'project', 'not-yet', 'data'))).toBeNull();
    expect(postgresAccessProblem([path.join(dir, 'project')])).toBeNull();
  });
});
