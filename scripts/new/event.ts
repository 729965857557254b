/**
 * `npm run new:event -- <feature> <aggregate>.<what-happened> [command]`: a
 * new event of an existing aggregate (`tasks task.starred`). Writes its
 * definition into the aggregate's list, the command into the decider's
 * command union, a given/when/then spec, a procedure, its fuzz and
 * tenant-isolation lines, and a placeholder handler in every projector that
 * lists the aggregate's events one by one. Then `npm run typecheck` lists
 * every place that must decide: the description, `evolve`, `decide`, those
 * handlers and the projectors that take every event of the aggregate.
 */
import ts from 'typescript';
import { z } from 'zod';
import { aggregateNames, camel, commandName, eventNames, eventType, featureName, kebab, pascal, singular } from './names';
import { Plan } from './plan';
import { aggregateFor, eventTypeOf, eventTypes, moduleDir, moduleSources, parseArgs, type Report } from './project';
import { projectorsReading, stubHandler } from './projector-stubs';
import { addFuzzInputs, addTenantCases, FILES, fixtureId } from './registries';
import { appendAtAnchor, appendToNode, appendToUnion, constInitializer, ensureImport, insertBeforeStatement, ScaffoldError, typeAliasText } from './source-edit';
import { commandMember, descriptionPlaceholder, eventDefinition, eventFixture, fixturePath, procedureStub, specArgs, specBlock, specFileHeader, type EventPieces } from './templates/event';

const USAGE = 'npm run new:event -- <feature> <aggregate>.<what-happened> [command]   e.g. npm run new:event -- tasks task.starred';

export function newEvent(root: string, argv: ReadonlyArray<string>): Report {
  const [feature, type, commandArg] = parseArgs(z.tuple([featureName, eventType, commandName.optional()]), argv, USAGE);
  const dir = moduleDir(feature);
  const files = { events: `${dir}/events.ts`, commands: `${dir}/commands.ts`, spec: `${dir}/commands.test.ts`, router: `${dir}/router.ts` };
  const plan = new Plan(root);
  for (const file of [files.events, files.commands, files.router]) if (!plan.exists(file)) throw new ScaffoldError(`${file} does not exist: is "${feature}" a feature with a decider? (npm run new:module -- ${feature} makes one.)`);

  const e = eventNames(type, commandArg);
  if (eventTypes(root).has(type)) throw new ScaffoldError(`The event type ${type} exists already.`);
  const list = aggregateFor(files.events, plan.read(files.events), e.aggregate);
  const agg = aggregateNames(kebab(list.list.slice(0, -'Events'.length)));
  const elsewhere = moduleSources(root).filter((f) => f !== files.events && f.endsWith('/events.ts') && new RegExp(`export const ${list.list}\\b`).test(plan.read(f)));
  if (elsewhere.length > 0) throw new ScaffoldError(`${list.list} is declared in ${[files.events, ...elsewhere].join(' and ')}: which aggregate ${e.aggregate}.* belongs to is ambiguous; rename one.`);
  const first = list.members[0];
  if (!first) throw new ScaffoldError(`${list.list} in ${files.events} is empty.`);
  if (new RegExp(`export const ${e.constName}\\b`).test(plan.read(files.events))) throw new ScaffoldError(`${files.events} exports ${e.constName} already.`);
  if (!new RegExp(`export const ${agg.decider}\\b`).test(plan.read(files.commands))) throw new ScaffoldError(`${files.commands} has no ${agg.decider} for the events of ${list.list}.`);
  if (typeAliasText(files.commands, plan.read(files.commands), agg.command)?.includes(`type: '${e.command}'`)) throw new ScaffoldError(`${files.commands} has a command '${e.command}' already: name another as the third argument (npm run new:event -- ${feature} ${type} <command>).`);
  const procedure = e.aggregate === singular(feature) ? e.command : `${e.command}${pascal(e.aggregate)}`;
  const api = `${camel(feature)}.${procedure}`;
  // The organization aggregate is the one the procedure is scoped to already: its id is ctx.organizationId.
  const id = agg.id === 'organizationId' ? null : agg.id;
  const pieces: EventPieces = { type, constName: e.constName, command: e.command, procedure, aggregateWords: agg.words, decider: agg.decider, first: { constName: first, type: eventTypeOf(files.events, plan.read(files.events), first) }, id };

  plan.edit(files.events, `${e.constName} in ${list.list}`, (source) => {
    const isList = (s: ts.Statement) => ts.isVariableStatement(s) && s.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text.endsWith('Events'));
    const text = insertBeforeStatement(source, files.events, isList, eventDefinition(pieces), `export const ${e.constName} = defineEvent({ … }) before the lists`);
    return appendToNode(text, files.events, (sf) => constInitializer(sf, list.list), e.constName, `${e.constName} in ${list.list}`);
  });
  plan.edit(files.commands, `command '${e.command}' in ${agg.command}`, (source) =>
    appendToUnion(ensureImport(source, files.commands, './events', [e.constName]), files.commands, agg.command, commandMember(pieces), `| ${commandMember(pieces)} in ${agg.command}`),
  );
  const imports = (source: string) => {
    let text = ensureImport(source, files.spec, 'vitest', ['describe', 'expect', 'it']);
    text = ensureImport(text, files.spec, '~/server/events/decider', ['fold']);
    text = ensureImport(text, files.spec, './commands', [agg.decider]);
    return ensureImport(text, files.spec, './events', [first, e.constName]);
  };
  if (plan.exists(files.spec)) plan.edit(files.spec, `a spec of ${type}`, (source) => imports(source) + specBlock(specArgs(pieces)));
  else plan.create(files.spec, imports(specFileHeader(pieces)) + specBlock(specArgs(pieces)));
  plan.edit(files.router, `procedure ${procedure}`, (source) => {
    if (new RegExp(`\\n\\s*${procedure}:`).test(source)) throw new ScaffoldError(`${files.router} has a procedure ${procedure} already: name another command as the third argument.`);
    let text = pieces.id ? ensureImport(source, files.router, 'zod', ['z']) : source;
    text = ensureImport(text, files.router, '~/server/commands/handler', ['runCommand']);
    text = ensureImport(text, files.router, '~/server/modules/organizations/procedures', ['organizationProcedure']);
    text = ensureImport(text, files.router, './commands', [agg.decider]);
    const router = `${camel(feature)}Router`;
    return appendAtAnchor(text, { file: files.router, pattern: new RegExp(`export const ${router} = router\\(\\{`), what: `the ${router}`, byHand: procedureStub(pieces) }, procedureStub(pieces));
  });

  plan.create(fixturePath(type), eventFixture(type, {}));
  const uses = projectorsReading(root, moduleSources(root), list);
  for (const use of uses.filter((u) => u.kind === 'lists')) stubHandler(plan, use, list, e);
  const input = (file: string) => `{ organizationId: f.organizationId${id ? `, ${id}: ${fixtureId(plan, file, id)}` : ''} }`;
  addFuzzInputs(plan, [[api, input(FILES.fuzz)]]);
  addTenantCases(plan, [{ path: api, minRole: 'member', call: `w.api.${api}(${input(FILES.tenants)})` }]);
  plan.write();

  const chosen = e.derivedCommand ? ` (the command '${e.command}' is named after the event's verb; to name it otherwise, run again with it as a third argument)` : '';
  const steps = [
    'Run `npm run typecheck`. Each error is a place that must decide, and the project compiles again once all are done:\n' +
      [
        `- ${files.events}: ${descriptionPlaceholder(type)}: the description, then the data's fields and an example of them\n  (put the example as \`data\` into ${fixturePath(type)}, the stored-event fixture it wrote).`,
        `- ${files.commands}: evolve (what ${type} changes in the state; a new state field gets a .default() so stored\n  states still parse) and decide (the '${e.command}' command: refuse what must be refused, return [] when nothing\n  would change, else [${e.constName}.create({ … })]).`,
        ...uses.map((u) =>
          u.kind === 'lists'
            ? `- ${u.file}: ${u.projector} lists ${e.aggregate} events: write the handler, or delete it and ${e.constName} from its events\n  if it has nothing to do with ${type}.`
            : `- ${u.file}: ${u.projector} reads every ${e.aggregate} event (...${list.list}): give it a handler.`,
        ),
      ].join('\n'),
    `Give the '${e.command}' command its fields (${agg.command} in commands.ts), the procedure ${api} its input (router.ts),\n` +
      `and fill them into its lines in test/integration/fuzz.test.ts (INPUTS) and organizations.test.ts (G11 cases), and the\n` +
      `spec at the end of ${files.spec}. Text a person types also gets a case in test/integration/text-boundary.test.ts.`,
    `Show it: call trpc.${api} from the page that shows ${agg.words}s (grep -rn "trpc.${feature}." src/app); a read model whose\n` +
      `table changed needs \`npm run db:generate -- --name ${type.replace('.', '-')}\`.`,
    `Check it: npm run typecheck && npm run lint\n` +
      `npx vitest run --project unit ${dir}\n` +
      'npx vitest run --project integration test/integration/fuzz.test.ts test/integration/organizations.test.ts',
  ];
  return { title: `New event ${type} in ${feature}: command '${e.command}', procedure ${api}${chosen}.`, files: plan.summary(), steps };
}
