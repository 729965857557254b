import { describe, expect, it } from 'vitest';
import { appendAtAnchor, appendToUnion, ensureImport, insertBeforeStatement, ScaffoldError } from './source-edit';

const anchor = (pattern: RegExp) => ({ file: 'x.ts', pattern, what: 'the list', byHand: 'thing in the list' });

describe('appendAtAnchor', () => {
  it('adds to a one-per-line list in its layout, after a comment that ends the last line', () => {
    const source = 'export const projectors = [\n  archive,\n  board, // why\n];\n';
    expect(appendAtAnchor(source, anchor(/projectors = \[/), 'comments')).toBe('export const projectors = [\n  archive,\n  board, // why\n  comments,\n];\n');
  });

  it('adds the missing comma of a last item, and sets items apart by blank lines when the list does', () => {
    const source = 'const r = router({\n  a: 1,\n\n  b: {\n    c: 2,\n  }\n});\n';
    expect(appendAtAnchor(source, anchor(/router\(\{/), 'd: 3')).toBe('const r = router({\n  a: 1,\n\n  b: {\n    c: 2,\n  },\n\n  d: 3,\n});\n');
  });

  it('keeps a one-line list on one line, and fills an empty one', () => {
    expect(appendAtAnchor('const a = [x, y];', anchor(/a = \[/), 'z')).toBe('const a = [x, y, z];');
    expect(appendAtAnchor('const a = [];', anchor(/a = \[/), 'z')).toBe('const a = [z];');
    expect(appendAtAnchor('const o = {};', anchor(/o = \{/), 'z: 1')).toBe('const o = { z: 1 };');
  });

  it('indents a multi-line item and adds a case to a switch', () => {
    const source = 'function f(v: string) {\n  switch (v) {\n    case "a":\n      return 1;\n  }\n}\n';
    expect(appendAtAnchor(source, anchor(/switch \(v\) \{/), "case 'b':\n  return 2;")).toBe(
      "function f(v: string) {\n  switch (v) {\n    case \"a\":\n      return 1;\n    case 'b':\n      return 2;\n  }\n}\n",
    );
  });

  it('is not fooled by brackets in strings and templates inside the list', () => {
    const source = "const a = [\n  '] }',\n  `${[1].join(']')}`,\n];\nconst b = [];\n";
    expect(appendAtAnchor(source, anchor(/a = \[/), 'c')).toBe("const a = [\n  '] }',\n  `${[1].join(']')}`,\n  c,\n];\nconst b = [];\n");
  });

  it('refuses, naming the file and what to add by hand, when the anchor is missing, repeated or not a list', () => {
    expect(() => appendAtAnchor('const b = [];', anchor(/a = \[/), 'z')).toThrow(ScaffoldError);
    expect(() => appendAtAnchor('const b = [];', anchor(/a = \[/), 'z')).toThrow(/x\.ts: cannot find the list .*Add by hand: thing in the list/);
    expect(() => appendAtAnchor('const a = [];\nconst a = [];', anchor(/a = \[/), 'z')).toThrow(/not the only match/);
    expect(() => appendAtAnchor('const a = f(1);', anchor(/a = f\(/), 'z')).toThrow(/does not end with an array, object or switch/);
  });
});

describe('appendToUnion', () => {
  it('adds a member on one line or on a line of its own, as the union is written', () => {
    expect(appendToUnion("export type View = 'a' | 'b';", 'x.ts', 'View', "'c'", '')).toBe("export type View = 'a' | 'b' | 'c';");
    expect(appendToUnion("type C =\n  | { type: 'a' }\n  | { type: 'b' };", 'x.ts', 'C', "{ type: 'c' }", '')).toBe("type C =\n  | { type: 'a' }\n  | { type: 'b' }\n  | { type: 'c' };");
    expect(appendToUnion("type C =\n  | { type: 'a' };", 'x.ts', 'C', "{ type: 'c' }", '')).toBe("type C =\n  | { type: 'a' }\n  | { type: 'c' };");
    expect(() => appendToUnion('type D = 1;', 'x.ts', 'C', '2', 'C | 2')).toThrow(/cannot find the type C\. Add by hand: C \| 2/);
  });
});

describe('ensureImport', () => {
  it('adds a name to an import in sorted place, before type imports, one line or one per line', () => {
    expect(ensureImport("import { a, c } from './e';\n", 'x.ts', './e', ['b'])).toBe("import { a, b, c } from './e';\n");
    expect(ensureImport("import {\n  a,\n  type T,\n} from './e';\n", 'x.ts', './e', ['z'])).toBe("import {\n  a,\n  z,\n  type T,\n} from './e';\n");
    expect(ensureImport("import { a } from './e';\n", 'x.ts', './e', ['a'])).toBe("import { a } from './e';\n");
  });

  it('adds an import line in sorted place: built-ins, packages, ~/, ../, ./', () => {
    const source = "import { z } from 'zod';\nimport { x } from '~/x';\nimport { y } from './y';\n\nconst q = 1;\n";
    expect(ensureImport(source, 'x.ts', '~/w', ['w'])).toBe("import { z } from 'zod';\nimport { w } from '~/w';\nimport { x } from '~/x';\nimport { y } from './y';\n\nconst q = 1;\n");
    expect(ensureImport(source, 'x.ts', './z', ['v'])).toBe("import { z } from 'zod';\nimport { x } from '~/x';\nimport { y } from './y';\nimport { v } from './z';\n\nconst q = 1;\n");
    expect(ensureImport(source, 'x.ts', 'node:crypto', ['randomUUID'])).toMatch(/^import \{ randomUUID \} from 'node:crypto';\nimport \{ z \}/);
  });

  it('leaves a name imported from elsewhere alone', () => {
    expect(ensureImport("import { a } from './procedures';\n", 'x.ts', '~/procedures', ['a'])).toBe("import { a } from './procedures';\n");
  });

  it('leaves a type-only import alone and adds a value import', () => {
    expect(ensureImport("import type { a } from './e';\n", 'x.ts', './e', ['b'])).toBe("import type { a } from './e';\nimport { b } from './e';\n");
  });
});

describe('insertBeforeStatement', () => {
  it('puts the text after the previous statement, before the comment of the one found', () => {
    const source = 'const a = 1;\n\n/** The lists. */\nexport const xEvents = [a];\n';
    const found = insertBeforeStatement(source, 'x.ts', (s) => s.getText().includes('xEvents'), 'const b = 2;', '');
    expect(found).toBe('const a = 1;\n\nconst b = 2;\n\n/** The lists. */\nexport const xEvents = [a];\n');
  });
});
