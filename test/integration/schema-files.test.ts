import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesDefiningTables, schemaFiles } from '../support/schema-files';

describe("drizzle.config's schema globs", () => {
  it('reach every file under src/ that defines a table', async () => {
    const defining = filesDefiningTables();
    // Guards the search itself: a broken one would find nothing and pass.
    expect(defining).toContain(path.join('src', 'server', 'db', 'event-core-schema.ts'));

    const covered = new Set(await schemaFiles());
    const missed = defining.filter((file) => !covered.has(file));
    expect(
      missed,
      `${missed.join(', ')} define(s) a pgTable that \`npm run db:generate\` would never see: ` +
        'move the table into a read-models/*.ts file, or add a glob for it to `schema` in drizzle.config.ts.',
    ).toEqual([]);
  });
});
