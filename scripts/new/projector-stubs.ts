/**
 * Which projectors and reactors an aggregate's new event concerns, and the
 * stub each gets. One that lists some of the aggregate's events one by one
 * (the board, the activity feed) gets the new event in its `events` and a
 * placeholder handler, which does not compile until someone writes the
 * handler or takes the event out again. One that spreads the whole list
 * (`...taskEvents`, the dashboard) needs nothing: the compiler already asks
 * it for a handler.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import type { Plan } from './plan';
import type { AggregateList } from './project';
import { appendToNode, ensureImport, parse, propertyOf, ScaffoldError } from './source-edit';
import { handlerPlaceholder } from './templates/event';

const DEFINERS = new Set(['defineProjector', 'defineRowProjector', 'defineReactor']);

export interface ProjectorUse {
  file: string;
  projector: string;
  /** `lists`: names some of the aggregate's events; `spreads`: takes every one of them. */
  kind: 'lists' | 'spreads';
}

/** The definition object of each projector a file defines, by name. */
function definitions(sf: ts.SourceFile): Map<string, ts.ObjectLiteralExpression> {
  const found = new Map<string, ts.ObjectLiteralExpression>();
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && DEFINERS.has(node.expression.text)) {
      const [def] = node.arguments;
      const name = def && ts.isObjectLiteralExpression(def) ? propertyOf(def, 'name') : undefined;
      if (def && ts.isObjectLiteralExpression(def) && name && ts.isStringLiteral(name)) found.set(name.text, def);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

export function projectorsReading(root: string, files: ReadonlyArray<string>, aggregate: AggregateList): ProjectorUse[] {
  const uses: ProjectorUse[] = [];
  for (const file of files) {
    const source = readFileSync(path.join(root, file), 'utf8');
    if (!aggregate.members.some((m) => source.includes(m)) && !source.includes(aggregate.list)) continue;
    for (const [projector, def] of definitions(parse(file, source))) {
      const events = propertyOf(def, 'events');
      if (!events || !ts.isArrayLiteralExpression(events)) continue;
      if (events.elements.some((e) => ts.isSpreadElement(e) && ts.isIdentifier(e.expression) && e.expression.text === aggregate.list)) uses.push({ file, projector, kind: 'spreads' });
      else if (events.elements.some((e) => ts.isIdentifier(e) && aggregate.members.includes(e.text))) uses.push({ file, projector, kind: 'lists' });
    }
  }
  return uses;
}

/** Adds the event and its placeholder handler to a projector that lists its aggregate's events one by one. */
export function stubHandler(plan: Plan, use: ProjectorUse, aggregate: AggregateList, event: { constName: string; type: string }): void {
  plan.edit(use.file, `${event.type} in ${use.projector} (${handlerPlaceholder(event.type, use.projector)})`, (source) => {
    const byHand = `${event.constName} in the events of ${use.projector}, and its handler`;
    const part = (key: 'events' | 'handlers') => (sf: ts.SourceFile) => {
      const def = definitions(sf).get(use.projector);
      return def && propertyOf(def, key);
    };
    const imported = parse(use.file, source)
      .statements.filter(ts.isImportDeclaration)
      .find((i) => i.importClause?.namedBindings && ts.isNamedImports(i.importClause.namedBindings) && i.importClause.namedBindings.elements.some((e) => aggregate.members.includes(e.name.text)));
    if (!imported || !ts.isStringLiteral(imported.moduleSpecifier)) throw new ScaffoldError(`${use.file}: cannot see where it imports ${aggregate.list}'s events from. Add by hand: ${byHand}`);
    let text = ensureImport(source, use.file, imported.moduleSpecifier.text, [event.constName]);
    text = appendToNode(text, use.file, part('events'), event.constName, byHand);
    return appendToNode(text, use.file, part('handlers'), `'${event.type}': ${handlerPlaceholder(event.type, use.projector)}`, byHand);
  });
}
