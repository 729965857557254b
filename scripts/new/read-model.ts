/**
 * `npm run new:read-model -- <feature> <name>`: a read model in an existing
 * feature: read-models/<name>.ts (table, row projector from the creation
 * event of the feature's aggregate the name starts with, or else its first
 * one, and a query), listed in the projectors, its query named in the live queries,
 * a query procedure in the feature's router with its fuzz and
 * tenant-isolation lines, and its migration. Returns what it did and what
 * is left, which scripts/new.ts prints.
 */
import { z } from 'zod';
import { camel, featureName, readModelName } from './names';
import { Plan } from './plan';
import { aggregateLists, checkReadModelName, eventTypeOf, generateMigration, moduleDir, parseArgs, type Report } from './project';
import { addFuzzInputs, addTenantCases, registerLiveQueries, registerProjector } from './registries';
import { appendAtAnchor, ensureImport, ScaffoldError } from './source-edit';
import { readModelFile, readModelNames } from './templates/read-model';

const USAGE = 'npm run new:read-model -- <feature> <name>   e.g. npm run new:read-model -- tasks task-counts';

export function newReadModel(root: string, argv: ReadonlyArray<string>): Report {
  const [feature, name] = parseArgs(z.tuple([featureName, readModelName]), argv, USAGE);
  const dir = moduleDir(feature);
  const plan = new Plan(root);
  const eventsFile = `${dir}/events.ts`;
  const routerFile = `${dir}/router.ts`;
  if (!plan.exists(eventsFile) || !plan.exists(routerFile)) throw new ScaffoldError(`${dir} has no events.ts and router.ts: is "${feature}" a feature? (npm run new:module -- ${feature} makes one.)`);
  checkReadModelName(plan, name);

  // The aggregate the name is about (`task-counts` → taskEvents), else the first one.
  const lists = aggregateLists(eventsFile, plan.read(eventsFile));
  const about = lists.filter((l) => camel(name).startsWith(l.list.slice(0, -'Events'.length))).sort((a, b) => b.list.length - a.list.length)[0] ?? lists[0];
  const created = about?.members[0];
  if (!about || !created) throw new ScaffoldError(`${eventsFile} has no aggregate event list (export const <aggregate>Events = [ … ] as const) to read from.`);
  const aggregate = about.list.slice(0, -'Events'.length);
  const r = readModelNames({ feature, name, event: { constName: created, type: eventTypeOf(eventsFile, plan.read(eventsFile), created), from: '../events' }, rowWords: aggregate, fields: [] });

  const api = `${camel(feature)}.${r.procedure}`;
  plan.create(`${dir}/read-models/${name}.ts`, readModelFile(r));
  registerProjector(plan, `~/server/modules/${feature}/read-models/${name}`, r.projector);
  registerLiveQueries(plan, r.name, [api]);
  plan.edit(routerFile, `procedure ${r.procedure}`, (source) => {
    if (new RegExp(`\\n\\s*${r.procedure}:`).test(source)) throw new ScaffoldError(`${routerFile} has a procedure ${r.procedure} already; choose another name.`);
    let text = ensureImport(source, routerFile, '~/server/modules/organizations/procedures', ['organizationProcedure']);
    text = ensureImport(text, routerFile, `./read-models/${name}`, [r.query]);
    const procedure = `/** The ${name} read model of the organization. */\n${r.procedure}: organizationProcedure.query(({ ctx }) => ${r.query}(ctx.db, ctx.organizationId))`;
    const router = `${camel(feature)}Router`;
    return appendAtAnchor(text, { file: routerFile, pattern: new RegExp(`export const ${router} = router\\(\\{`), what: `the ${router}`, byHand: procedure }, procedure);
  });
  addFuzzInputs(plan, [[api, '{ organizationId: f.organizationId }']]);
  addTenantCases(plan, [{ path: api, minRole: 'member', call: `w.api.${api}({ organizationId: f.organizationId })` }]);

  plan.write();
  const migration = generateMigration(root, `${feature}-${name}`).map((file) => `  created  ${file}`);
  const steps = [
    `Make it answer its question: it keeps one row per ${aggregate} from ${r.event.type} only. In ${dir}/read-models/${name}.ts add the\n` +
      `columns, the events it reads (each with a handler: the compiler asks for them) and what the query returns, then\n` +
      '`npm run db:regenerate`: it writes the migration above again from the table as it is (one clean migration; it refuses\n' +
      'once git tracks the migration). Never require a row\'s version to be the one before an event\'s aggregateVersion: the\n' +
      'events it does not list leave gaps, and the runtime applies each event once, in order, anyway.',
    `Show it: read trpc.${api} from the component that shows it in src/app/o/[slug]/. Notices of the ${name}\n` +
      `projector refetch ${api} (QUERIES_OF_PROJECTOR in src/server/app/live-queries.ts); if another query reads its tables too,\n` +
      `list it beside ${api} there. Commands appending ${r.event.type} now wait for it (read-your-writes).`,
    'On a running app the worker fills it by itself, from the archive (event_log) and then the streams\n' +
      `(src/server/projectors/archive-fill.ts). Once deployed, a change to what it keeps takes \`npm run projections -- rebuild ${name}\`.`,
    `Check it: npm run typecheck && npm run lint\n` +
      `npx vitest run --project integration test/integration/fuzz.test.ts test/integration/organizations.test.ts test/integration/live-views.test.ts`,
  ];
  return { title: `New read model ${name} in ${feature}: table ${r.table}, projector ${name}, live query ${api}.`, files: [...plan.summary(), ...migration], steps };
}
