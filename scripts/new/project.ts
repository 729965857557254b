/**
 * What the generators need to know about the project before they write:
 * where it is, which features, event types, aggregates, projectors, tables
 * and live queries exist (so a new name never collides), and the running of
 * drizzle-kit and the printing of the result.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import type { z } from 'zod';
import { camel, snake } from './names';
import type { Plan } from './plan';
import { constInitializer, parse, propertyOf, ScaffoldError } from './source-edit';

export const moduleDir = (feature: string) => `src/server/modules/${feature}`;

/** Parses positional arguments with zod; a bad one stops with the usage line. */
export function parseArgs<T extends z.ZodType>(schema: T, argv: ReadonlyArray<string>, usage: string): z.output<T> {
  const parsed = schema.safeParse(argv);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const message = issue?.code === 'too_small' || issue?.code === 'too_big' ? 'wrong number of arguments' : (issue?.message ?? 'invalid arguments');
    throw new ScaffoldError(`${message}.\nUsage: ${usage}`);
  }
  return parsed.data;
}

function sourceFiles(root: string, dir: string): string[] {
  const full = path.join(root, dir);
  if (!existsSync(full)) return [];
  return readdirSync(full, { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.tsx?$/.test(file) && !/\.test\.tsx?$/.test(file))
    .map((file) => path.join(dir, file));
}

/** Every source file of the feature modules, relative to the root. */
export const moduleSources = (root: string) => sourceFiles(root, 'src/server/modules');

function allMatches(root: string, dir: string, pattern: RegExp): Set<string> {
  const found = new Set<string>();
  for (const file of sourceFiles(root, dir)) {
    for (const match of readFileSync(path.join(root, file), 'utf8').matchAll(pattern)) if (match[1]) found.add(match[1]);
  }
  return found;
}

/** Names of every projector and reactor, tables, and event types defined under src/. */
export const projectorNames = (root: string) => allMatches(root, 'src', /define(?:Row|Raw)?(?:Projector|Reactor)\(\{\s*name: '([^']+)'/g);
export const tableNames = (root: string) => allMatches(root, 'src', /pgTable\(\s*'([^']+)'/g);
export const eventTypes = (root: string) => allMatches(root, 'src/server/modules', /defineEvent\(\{\s*type: '([^']+)'/g);

/** Refuses a read model name whose projector, table or live queries exist already. */
export function checkReadModelName(plan: Plan, name: string): void {
  if (projectorNames(plan.root).has(name)) throw new ScaffoldError(`A projector called "${name}" exists already; choose another name.`);
  if (tableNames(plan.root).has(snake(name))) throw new ScaffoldError(`A table called "${snake(name)}" exists already; choose another name.`);
  const live = 'src/server/app/live-queries.ts';
  if (new RegExp(`\\n\\s*'?${name}'?:`).test(plan.read(live))) throw new ScaffoldError(`${live} has queries for a projector ${name} already; choose another name.`);
}

export interface AggregateList {
  /** `taskEvents` */
  list: string;
  /** The constants it lists, the first being the creation event by habit: `taskCreated`. */
  members: string[];
}

/** The aggregates' event lists of an events.ts: `export const <aggregate>Events = [ … ] as const`. */
export function aggregateLists(file: string, source: string): AggregateList[] {
  const sf = parse(file, source);
  const lists: AggregateList[] = [];
  for (const statement of sf.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const d of statement.declarationList.declarations) {
      if (!ts.isIdentifier(d.name) || !d.name.text.endsWith('Events')) continue;
      const init = constInitializer(sf, d.name.text);
      if (init && ts.isArrayLiteralExpression(init)) lists.push({ list: d.name.text, members: init.elements.filter(ts.isIdentifier).map((e) => e.text) });
    }
  }
  return lists;
}

/**
 * The aggregate an event type's prefix belongs to, in a feature's events.ts:
 * the list named after it (`task.` → `taskEvents`), or the one list holding
 * events of that prefix (`member.` → `organizationEvents`). Refuses a prefix
 * no list has, and one that two lists share.
 */
export function aggregateFor(file: string, source: string, prefix: string): AggregateList {
  const lists = aggregateLists(file, source);
  const prefixes = (list: AggregateList) => [...new Set(list.members.flatMap((m) => eventTypeIn(file, source, m)?.split('.')[0] ?? []))];
  const candidates = lists.filter((l) => l.list === `${camel(prefix)}Events` || prefixes(l).includes(prefix));
  const [only] = candidates;
  if (only && candidates.length === 1) return only;
  if (candidates.length > 1) {
    throw new ScaffoldError(`${file}: ${prefix}.* events could belong to ${candidates.map((l) => l.list).join(' or ')}; add the event by hand to the one you mean.`);
  }
  const known = lists.map((l) => `${l.list} (${prefixes(l).map((p) => `${p}.…`).join(', ')})`).join(', ') || 'none';
  throw new ScaffoldError(`${file}: no aggregate takes ${prefix}.* events (its lists: ${known}). A new aggregate is a new module: npm run new:module.`);
}

function eventTypeIn(file: string, source: string, constName: string): string | undefined {
  try {
    return eventTypeOf(file, source, constName);
  } catch {
    return undefined; // defined elsewhere: it says nothing about this file's prefixes
  }
}

/** The type string of `export const <constName> = defineEvent({ type: '…' })`. */
export function eventTypeOf(file: string, source: string, constName: string): string {
  const init = constInitializer(parse(file, source), constName);
  const def = init && ts.isCallExpression(init) ? init.arguments[0] : undefined;
  const type = def && ts.isObjectLiteralExpression(def) ? propertyOf(def, 'type') : undefined;
  if (!type || !ts.isStringLiteral(type)) throw new ScaffoldError(`${file}: cannot find the type of ${constName} (expected defineEvent({ type: '…', … })).`);
  return type.text;
}

/** Writes the migration for new tables; returns the files drizzle-kit added. */
export function generateMigration(root: string, name: string): string[] {
  const listing = () => new Set(existsSync(path.join(root, 'drizzle')) ? readdirSync(path.join(root, 'drizzle')) : []);
  const before = listing();
  const run = spawnSync(path.join(root, 'node_modules', '.bin', 'drizzle-kit'), ['generate', '--name', name], { cwd: root, encoding: 'utf8' });
  if (run.status !== 0) {
    throw new ScaffoldError(`The files are written, but drizzle-kit generate failed; fix what it says and run \`npm run db:generate -- --name ${name}\`:\n${run.stdout}${run.stderr}`);
  }
  return [...listing()].filter((file) => !before.has(file)).map((file) => `drizzle/${file}`);
}

/** What a generator did and what it leaves to the developer. */
export interface Report {
  title: string;
  /** `  created  <file>` and `  changed  <file>: <what>`, one per file. */
  files: string[];
  steps: string[];
}

export function formatReport(report: Report): string {
  const steps = report.steps.map((step, i) => `  ${i + 1}. ${step.split('\n').join('\n     ')}`);
  return [`✔ ${report.title}`, ...report.files, '', 'What is left to you:', ...steps].join('\n');
}
