/**
 * The composition root lists every feature by hand (src/server/app/): each
 * router in the app router, each decider in `deciders`, each projector and
 * reactor in `projectors`. What a module defines and exports but nobody lists
 * would never run, so this file finds them all in `src/server/modules/` and
 * names the line each missing one needs.
 */
import path from 'node:path';
import { glob } from 'tinyglobby';
import { describe, expect, it } from 'vitest';
import { deciders } from '~/server/app/catalogue';
import { projectors } from '~/server/app/projectors';
import { appRouter } from '~/server/app/router';
import { closeAppClientsAfterAll } from '../support/callers';
import { expectRegistered } from '../support/registries';

closeAppClientsAfterAll();

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Every value a module file exports, with the export's name and the module's `~/` import path. */
async function moduleExports(): Promise<Array<{ name: string; from: string; value: unknown }>> {
  const files = await glob(['src/server/modules/**/*.ts'], { cwd: ROOT, ignore: ['**/*.test.ts'] });
  const found: Array<{ name: string; from: string; value: unknown }> = [];
  for (const file of files.sort()) {
    const from = `~/${file.replace(/^src\//, '').replace(/\.ts$/, '')}`;
    const exported: Record<string, unknown> = await import(path.join(ROOT, file));
    for (const [name, value] of Object.entries(exported)) found.push({ name, from, value });
  }
  return found;
}

const field = (value: unknown, key: string): unknown => (typeof value === 'object' && value !== null ? Reflect.get(value, key) : undefined);
const has = (value: unknown, key: string, type: string) => typeof field(value, key) === type;
const isProjector = (value: unknown) => has(value, 'apply', 'function') && has(value, 'notify', 'boolean') && has(value, 'kind', 'string');
const isDecider = (value: unknown) => has(value, 'evolve', 'function') && has(value, 'decide', 'function') && has(value, 'name', 'string');
const isRouter = (value: unknown) => has(value, '_def', 'object') && has(value, 'createCaller', 'function');

/** How to import what is missing, for the message. */
const imports = (missing: ReadonlyArray<{ name: string; from: string }>) => `With its import: ${missing.map((m) => `import { ${m.name} } from '${m.from}';`).join(' ')}`;

describe('the composition root lists every feature', () => {
  it('finds what the modules export (a broken search would find nothing and pass)', async () => {
    const exports = await moduleExports();
    expect(exports.filter((e) => isProjector(e.value)).length).toBeGreaterThanOrEqual(4);
    expect(exports.filter((e) => isDecider(e.value)).length).toBeGreaterThanOrEqual(3);
    expect(exports.filter((e) => isRouter(e.value)).length).toBeGreaterThanOrEqual(5);
  });

  it('every projector and reactor is in `projectors`', async () => {
    const missing = (await moduleExports()).filter((e) => isProjector(e.value) && !projectors.some((p) => p === e.value));
    expectRegistered({ what: 'projector', missing: missing.map((m) => m.name), file: 'src/server/app/projectors.ts', table: 'projectors', line: (name) => `${name},`, note: imports(missing) });
  });

  it('every decider is in `deciders`', async () => {
    const missing = (await moduleExports()).filter((e) => isDecider(e.value) && !deciders.some((d) => d === e.value));
    expectRegistered({ what: 'decider', missing: missing.map((m) => m.name), file: 'src/server/app/catalogue.ts', table: 'deciders', line: (name) => `${name},`, note: imports(missing) });
  });

  it('every router is mounted in the app router', async () => {
    // At runtime the router's procedure record is flat; compare procedures by identity.
    const mounted = new Set<unknown>(Object.values(appRouter._def.procedures));
    const missing = (await moduleExports()).filter((e) => {
      if (!isRouter(e.value)) return false;
      const procedures = field(field(e.value, '_def'), 'procedures');
      return typeof procedures === 'object' && procedures !== null && Object.values(procedures).some((p) => !mounted.has(p));
    });
    expectRegistered({
      what: 'router',
      missing: missing.map((m) => m.name),
      file: 'src/server/app/router.ts',
      table: 'appRouter',
      line: (name) => `${name.replace(/Router$/, '')}: ${name},`,
      note: imports(missing),
    });
  });
});
