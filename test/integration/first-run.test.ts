/**
 * First run from a folder other users cannot enter (a clone in root's home
 * folder, or in a `mktemp -d` folder): started as root, PostgreSQL runs as its
 * own user and cannot reach its data there. The harness says so in one line,
 * naming the folder and what to do, instead of a bare EACCES stack trace.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalPostgres } from '../../scripts/lib/local-postgres';

const closed = mkdtempSync(path.join(tmpdir(), 'streamline-closed-'));
chmodSync(closed, 0o700);
afterAll(() => rmSync(closed, { recursive: true, force: true }));

describe('local PostgreSQL in a folder other users cannot enter', () => {
  it('as root: fails with one line naming the folder and what to do; as anyone else: starts', { timeout: 120_000 }, async () => {
    const start = startLocalPostgres({ dir: path.join(closed, 'postgres'), persistent: false, fast: true });
    if (process.getuid?.() === 0) {
      await expect(start).rejects.toThrow(`PostgreSQL runs as the "postgres" user when started as root, and that user cannot enter ${closed}. Run \`chmod o+x ${closed}\``);
    } else {
      // Without root, PostgreSQL runs as this user, who owns the folder.
      const server = await start;
      await server.stop();
    }
  });
});
