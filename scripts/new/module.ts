/**
 * `npm run new:module -- <feature> [aggregate]`: a new feature module with one
 * aggregate (default: the feature's singular), working end to end: its
 * creation event, decider and spec, a router with a creating mutation and a
 * list query, a read model, an integration test; registered in the
 * catalogue, the projectors, the app router and the live queries, with its
 * fuzz and tenant-isolation lines and its migration. Returns what it did
 * and what is left, which scripts/new.ts prints.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { featureName, singular, withArticle } from './names';
import { Plan } from './plan';
import { checkReadModelName, eventTypes, generateMigration, moduleDir, moduleSources, parseArgs, type Report } from './project';
import { addFuzzInputs, addTenantCases, registerDecider, registerLiveQueries, registerProjector, registerRouter } from './registries';
import { ScaffoldError } from './source-edit';
import { commandsFile, commandsTestFile, eventsFile, integrationTestFile, moduleNames, routerFile } from './templates/module';
import { eventFixture, fixturePath } from './templates/event';
import { readModelFile, readModelNames } from './templates/read-model';

const USAGE = 'npm run new:module -- <feature> [aggregate]   e.g. npm run new:module -- comments';

export function newModule(root: string, argv: ReadonlyArray<string>): Report {
  const [feature, aggregateArg] = parseArgs(z.tuple([featureName, featureName.optional()]), argv, USAGE);
  const aggregate = aggregateArg ?? singular(feature);
  const n = moduleNames(feature, aggregate);
  const dir = moduleDir(feature);
  const plan = new Plan(root);

  if (plan.exists(dir)) throw new ScaffoldError(`${dir} exists already; add to it with npm run new:event or npm run new:read-model.`);
  if (eventTypes(root).has(n.created.type)) throw new ScaffoldError(`The event type ${n.created.type} exists already: pick another aggregate name (npm run new:module -- ${feature} <aggregate>).`);
  const taken = moduleSources(root).find((file) => new RegExp(`export const ${n.agg.events}\\b|name: '${aggregate}',\\n\\s*events:`).test(readFileSync(path.join(root, file), 'utf8')));
  if (taken) throw new ScaffoldError(`${taken} declares the aggregate ${aggregate} already: pick another aggregate name.`);
  checkReadModelName(plan, feature);

  const r = readModelNames({ feature, name: feature, event: { ...n.created, from: '../events' }, rowWords: n.agg.words, fields: ['name'] });
  plan.create(`${dir}/events.ts`, eventsFile(n));
  plan.create(`${dir}/commands.ts`, commandsFile(n));
  plan.create(`${dir}/commands.test.ts`, commandsTestFile(n));
  plan.create(`${dir}/router.ts`, routerFile(n, r.name));
  plan.create(`${dir}/read-models/${r.name}.ts`, readModelFile(r));
  plan.create(`test/integration/${feature}.test.ts`, integrationTestFile(n));
  plan.create(fixturePath(n.created.type), eventFixture(n.created.type, { name: `The first ${n.agg.words}` }));

  registerDecider(plan, feature, n.agg.decider);
  registerProjector(plan, `~/server/modules/${feature}/read-models/${r.name}`, r.projector);
  registerRouter(plan, feature, n.featureCamel, n.router);
  registerLiveQueries(plan, r.name, [`${n.featureCamel}.list`], n.featureCamel);
  const api = `${n.featureCamel}`;
  addFuzzInputs(plan, [
    [`${api}.list`, '{ organizationId: f.organizationId }'],
    [`${api}.create`, "{ organizationId: f.organizationId, name: 'Fuzz', idempotencyKey: randomUUID() }"],
  ]);
  addTenantCases(plan, [
    { path: `${api}.list`, minRole: 'member', call: `w.api.${api}.list({ organizationId: f.organizationId })` },
    { path: `${api}.create`, minRole: 'member', call: `w.api.${api}.create({ organizationId: f.organizationId, name: 'Sneaky' })` },
  ]);

  plan.write();
  const migration = generateMigration(root, feature).map((file) => `  created  ${file}`);
  const steps = [
    `Say what ${withArticle(n.agg.words)} is. It has one field, \`name\`, a placeholder: change it in ${dir}/events.ts (${n.nameSchema}, ${n.created.constName} with its description and example),\n` +
      `the state in commands.ts, the table and handler in read-models/${r.name}.ts, the input in router.ts, the inputs in\n` +
      `test/integration/fuzz.test.ts (INPUTS), organizations.test.ts (G11 cases) and ${feature}.test.ts, and the data of\n` +
      `${fixturePath(n.created.type)} (the example, as stored). A changed table needs\n` +
      `\`npm run db:regenerate\` (the migration above, written again from the table as it is). Text a person types stays a userText (~/lib/text) and gets a case in\n` +
      `test/integration/text-boundary.test.ts.`,
    `Show it: a component in src/app/o/[slug]/ (e.g. ${feature}.tsx) that lists trpc.${api}.list and calls trpc.${api}.create,\n` +
      `rendered in organization-view.tsx. It is live already: notices of the ${r.name} projector refetch ${api}.list, and\n` +
      `${api}.* mutations wait for the ${r.name} read model, "Syncing…" until it has them (src/server/app/live-queries.ts).\n` +
      `A creating form sends an idempotency key (src/lib/idempotency-keys.ts).`,
    `More commands: npm run new:event -- ${feature} ${aggregate}.renamed (or any <${aggregate}>.<what-happened>); more read models:\n` +
      `npm run new:read-model -- ${feature} <name>.`,
    `Check it: npm run typecheck && npm run lint\n` +
      `npx vitest run --project unit ${dir}\n` +
      `npx vitest run --project integration test/integration/${feature}.test.ts test/integration/fuzz.test.ts test/integration/organizations.test.ts test/integration/live-views.test.ts`,
    'Commit the module with its migration (drizzle/ and drizzle/meta/).',
  ];
  return { title: `New module ${feature}: aggregate ${aggregate}, event ${n.created.type}, read model and live query ${r.name}, procedures ${api}.create and ${api}.list.`, files: [...plan.summary(), ...migration], steps };
}
