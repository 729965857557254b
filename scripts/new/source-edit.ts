/**
 * Edits of TypeScript source as text, placed with the compiler's parser: add
 * an item to an array, object or switch found by an anchor, a member to a
 * union type, a name to an import. Every edit keeps the list's own layout
 * (one item per line or all on one line) and fails with a ScaffoldError that
 * names the file and what to add by hand, never with a half-made change.
 */
import ts from 'typescript';

/** A generator's refusal: the message says which file and what to do. */
export class ScaffoldError extends Error {}

export function parse(file: string, source: string): ts.SourceFile {
  return ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
}

const splice = (source: string, at: number, text: string) => source.slice(0, at) + text + source.slice(at);

function lineStart(source: string, at: number): number {
  return source.lastIndexOf('\n', at - 1) + 1;
}

function indentationAt(source: string, at: number): string {
  return /^[ \t]*/.exec(source.slice(lineStart(source, at)))?.[0] ?? '';
}

/** `text` with every line after the first indented by `indent`. */
const indented = (text: string, indent: string) => text.split('\n').join(`\n${indent}`);

interface List {
  node: ts.Node;
  elements: ReadonlyArray<ts.Node>;
  /** ',' between elements, '' between switch clauses. */
  separator: string;
  /** Spaces inside the brackets on one line: `{ a }` but `[a]`. */
  padded: boolean;
}

function listOf(node: ts.Node): List | undefined {
  if (ts.isArrayLiteralExpression(node)) return { node, elements: node.elements, separator: ',', padded: false };
  if (ts.isObjectLiteralExpression(node)) return { node, elements: node.properties, separator: ',', padded: true };
  if (ts.isNamedImports(node)) return { node, elements: node.elements, separator: ',', padded: true };
  if (ts.isCaseBlock(node)) return { node, elements: node.clauses, separator: '', padded: true };
  return undefined;
}

/** The innermost-first search for a node that starts exactly at `at`, and is a list. */
function listStartingAt(sf: ts.SourceFile, at: number): List | undefined {
  let found: List | undefined;
  const visit = (node: ts.Node) => {
    if (found || at < node.pos || at >= node.end) return;
    if (node.getStart(sf) === at) found = listOf(node);
    if (!found) ts.forEachChild(node, visit);
  };
  ts.forEachChild(sf, visit);
  return found;
}

/** Adds `item` as the list's last element, in the list's layout. */
function appendToList(source: string, sf: ts.SourceFile, list: List, item: string): string {
  const open = list.node.getStart(sf);
  const close = list.node.getEnd() - 1;
  const last = list.elements.at(-1);
  const multiline = source.slice(open, close).includes('\n');
  if (!multiline) {
    if (!last) return splice(source, open + 1, list.padded ? ` ${item} ` : item);
    return splice(source, last.getEnd(), `${list.separator} ${item}`);
  }
  const indent = last ? indentationAt(source, last.getStart(sf)) : `${indentationAt(source, open)}  `;
  let text = source;
  let end = last ? last.getEnd() : open + 1;
  if (last && list.separator) {
    const rest = /^\s*,/.exec(text.slice(end));
    if (rest) end += rest[0].length;
    else text = splice(text, end++, list.separator);
  }
  // After a comment that ends the line (`a, // why`), before a closing bracket on the same line.
  const lineEnd = text.indexOf('\n', end);
  const closeNow = close + (text.length - source.length);
  const at = lineEnd !== -1 && lineEnd < closeNow ? lineEnd : end;
  // Items set apart by blank lines (a router's procedures) get one too.
  const previous = list.elements.at(-2);
  const blank = previous && last && /\n[ \t]*\n/.test(source.slice(previous.getEnd(), last.getStart(sf))) ? '\n' : '';
  return splice(text, at, `\n${blank}${indent}${indented(item, indent)}${list.separator}`);
}

export interface Anchor {
  /** The file, as the message names it. */
  file: string;
  /** Matches once, ending with the list's opening bracket: /export const projectors\b[^=]*= \[/. */
  pattern: RegExp;
  /** What the list is, for the message: "the projectors list". */
  what: string;
  /** The line to add by hand when the anchor is gone. */
  byHand: string;
}

function refuse(anchor: Anchor, why: string): never {
  throw new ScaffoldError(`${anchor.file}: ${why} (looked for ${anchor.pattern}). Add by hand: ${anchor.byHand}`);
}

/** Adds `item` to the end of the array, object or switch whose opening bracket ends the anchor's one match. */
export function appendAtAnchor(source: string, anchor: Anchor, item: string): string {
  const flags = anchor.pattern.flags.includes('g') ? anchor.pattern.flags : `${anchor.pattern.flags}g`;
  const matches = [...source.matchAll(new RegExp(anchor.pattern.source, flags))];
  const [match] = matches;
  if (!match || match.index === undefined) return refuse(anchor, `cannot find ${anchor.what}`);
  if (matches.length > 1) return refuse(anchor, `${anchor.what} is not the only match`);
  const sf = parse(anchor.file, source);
  const list = listStartingAt(sf, match.index + match[0].length - 1);
  if (!list) return refuse(anchor, `${anchor.what} does not end with an array, object or switch`);
  return appendToList(source, sf, list, item);
}

/** Adds `item` to the end of the list `find` picks in the freshly parsed file. */
export function appendToNode(source: string, file: string, find: (sf: ts.SourceFile) => ts.Node | undefined, item: string, byHand: string): string {
  const sf = parse(file, source);
  const node = find(sf);
  const list = node && listOf(node);
  if (!list) throw new ScaffoldError(`${file}: cannot find where to add it. Add by hand: ${byHand}`);
  return appendToList(source, sf, list, item);
}

/** Adds `member` to the union `type <name> = …` (a lone type becomes a union). */
export function appendToUnion(source: string, file: string, name: string, member: string, byHand: string): string {
  const sf = parse(file, source);
  const alias = sf.statements.find((s): s is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(s) && s.name.text === name);
  if (!alias) throw new ScaffoldError(`${file}: cannot find the type ${name}. Add by hand: ${byHand}`);
  const type = alias.type;
  const members = ts.isUnionTypeNode(type) ? type.types : [type];
  const last = members[members.length - 1] ?? type;
  if (!source.slice(alias.name.getEnd(), type.getEnd()).includes('\n')) return splice(source, type.getEnd(), ` | ${member}`);
  const indent = indentationAt(source, last.getStart(sf));
  return splice(source, type.getEnd(), `\n${indent}| ${member}`);
}

/** Where an import sorts: node built-ins, packages, `~/`, `../`, `./`. */
function importRank(specifier: string): string {
  const rank = specifier.startsWith('node:') ? 0 : specifier.startsWith('~/') ? 2 : specifier.startsWith('../') ? 3 : specifier.startsWith('./') ? 4 : 1;
  return `${rank}${specifier}`;
}

/** Makes `names` (values) importable from `specifier`: adds them to its import, or adds the import in sorted place. A name imported already, from anywhere, is left as it is. */
export function ensureImport(source: string, file: string, specifier: string, names: ReadonlyArray<string>): string {
  let text = source;
  for (const name of names) {
    const sf = parse(file, text);
    const imports = sf.statements.filter(ts.isImportDeclaration);
    const bound = imports.some((i) => {
      const bindings = i.importClause?.namedBindings;
      return i.importClause?.name?.text === name || (bindings && ts.isNamedImports(bindings) && bindings.elements.some((e) => e.name.text === name));
    });
    if (bound) continue;
    const named = imports
      .map((i) => ({ i, bindings: i.importClause?.namedBindings }))
      .find(({ i, bindings }) => ts.isStringLiteral(i.moduleSpecifier) && i.moduleSpecifier.text === specifier && !i.importClause?.isTypeOnly && bindings && ts.isNamedImports(bindings));
    if (named?.bindings && ts.isNamedImports(named.bindings)) {
      const { elements } = named.bindings;
      const before = elements.find((e) => e.isTypeOnly || e.name.text.toLowerCase() > name.toLowerCase());
      if (!before) {
        text = appendToList(text, sf, { node: named.bindings, elements, separator: ',', padded: true }, name);
        continue;
      }
      const multiline = text.slice(named.bindings.getStart(sf), named.bindings.getEnd()).includes('\n');
      const at = before.getStart(sf);
      text = splice(text, at, multiline ? `${name},\n${indentationAt(text, at)}` : `${name}, `);
      continue;
    }
    const line = `import { ${name} } from '${specifier}';`;
    const next = imports.find((i) => ts.isStringLiteral(i.moduleSpecifier) && importRank(i.moduleSpecifier.text) > importRank(specifier));
    const lastImport = imports.at(-1);
    if (next) text = splice(text, next.getStart(sf), `${line}\n`);
    else if (lastImport) text = splice(text, lastImport.getEnd(), `\n${line}`);
    else text = `${line}\n${text}`;
  }
  return text;
}

/** Inserts `text` as statements just before the one `find` picks (after the trivia of the one before it). */
export function insertBeforeStatement(source: string, file: string, find: (s: ts.Statement) => boolean, text: string, byHand: string): string {
  const sf = parse(file, source);
  const statement = sf.statements.find(find);
  if (!statement) throw new ScaffoldError(`${file}: cannot find where to add it. Add by hand: ${byHand}`);
  return splice(source, statement.getFullStart(), `\n\n${text}`);
}

/** The text of `type <name> = …`, or undefined. */
export function typeAliasText(file: string, source: string, name: string): string | undefined {
  return parse(file, source)
    .statements.find((s): s is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(s) && s.name.text === name)
    ?.getText();
}

/** The initializer of `const <name> = …` at the top level, unwrapped from `as const` and `satisfies`. */
export function constInitializer(sf: ts.SourceFile, name: string): ts.Expression | undefined {
  for (const statement of sf.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (!ts.isIdentifier(declaration.name) || declaration.name.text !== name || !declaration.initializer) continue;
      let init: ts.Expression = declaration.initializer;
      while (ts.isAsExpression(init) || ts.isSatisfiesExpression(init) || ts.isParenthesizedExpression(init)) init = init.expression;
      return init;
    }
  }
  return undefined;
}

/** The property `name` of an object literal, if it is a plain `name: value`. */
export function propertyOf(object: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const p of object.properties) {
    if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && p.name.text === name) return p.initializer;
  }
  return undefined;
}
