/**
 * Whether another user can reach a path: PostgreSQL started as root by
 * ./local-postgres.ts runs as its own `postgres` user, which must enter every
 * folder above its binaries and its data. A clone inside root's home folder
 * (mode 0700) or inside a `mktemp -d` folder stops it with a bare EACCES; this
 * finds the folder in the way first, so the error can say what to do.
 */
import { statSync } from 'node:fs';
import path from 'node:path';

/** The first folder on the way to `target` that users other than its owner cannot enter, or null. */
export function folderOthersCannotEnter(target: string): string | null {
  const parts = path.resolve(target).split(path.sep).filter(Boolean);
  let folder: string = path.sep;
  for (const part of parts) {
    folder = path.join(folder, part);
    let mode: number;
    try {
      mode = statSync(folder).mode;
    } catch {
      return null; // not created yet: whatever creates it decides its mode
    }
    // Execute permission for "others" is what entering a folder takes.
    if ((mode & 0o040000) !== 0 && (mode & 0o001) === 0) return folder;
  }
  return null;
}

/** One line saying why PostgreSQL cannot start as its own user from here, and what to do; null when nothing is in the way. */
export function postgresAccessProblem(paths: ReadonlyArray<string>): string | null {
  for (const target of paths) {
    const blocked = folderOthersCannotEnter(target);
    if (blocked) {
      return (
        `PostgreSQL runs as the "postgres" user when started as root, and that user cannot enter ${blocked}. ` +
        `Run \`chmod o+x ${blocked}\`, move the project to a folder other users can enter, or set DATABASE_URL to a server of your own.`
      );
    }
  }
  return null;
}
