/**
 * What a developer does after `new:event`, done by script and as little as
 * possible: replaces each `TODO_…` placeholder, adds the new events' cases
 * to `evolve` and `decide`, gives the dashboard (which reads every task
 * event) a handler, and extends the module's integration test to the read
 * model and the procedure the later generators added.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

function edit(dir: string, file: string, change: (source: string) => string): void {
  const full = path.join(dir, file);
  const before = readFileSync(full, 'utf8');
  const after = change(before);
  if (after === before) throw new Error(`fill-stubs: nothing changed in ${file}; has the generated code changed shape?`);
  writeFileSync(full, after);
}

/** Inserts `text` at the first match of `pattern` after `function <name>(` (before it, or after it with `after`). */
function inFunction(source: string, name: string, pattern: RegExp, text: string, where: 'before' | 'after'): string {
  const start = source.indexOf(`function ${name}(`);
  const match = start === -1 ? null : pattern.exec(source.slice(start));
  if (!match) throw new Error(`fill-stubs: cannot find ${pattern} in ${name}`);
  const at = start + match.index + (where === 'after' ? match[0].length : 0);
  return source.slice(0, at) + text + source.slice(at);
}

const DEFAULT_CASE = /\n\s*default:\s*\n\s*return unhandled\(event\);/;
const COMMAND_SWITCH = /switch \(command\.type\) \{/;

/** Fills what `new:event -- comments comment.edited` and `new:event -- tasks task.starred` left. */
export function fillStubs(dir: string): void {
  const placeholders = (source: string) =>
    source.replace(/TODO_say_when_\w+_is_emitted/g, "'Emitted when it happens.'").replace(/TODO_handle_\w+/g, '() => undefined');
  for (const file of ['src/server/modules/comments/events.ts', 'src/server/modules/tasks/events.ts']) edit(dir, file, placeholders);
  for (const name of ['comments', 'comment-stats']) edit(dir, `src/server/modules/comments/read-models/${name}.ts`, placeholders);
  for (const file of ['src/server/modules/tasks/read-models/board.ts', 'src/server/modules/activity/read-models/feed.ts']) edit(dir, file, placeholders);

  edit(dir, 'src/server/modules/comments/commands.ts', (source) => {
    const evolved = inFunction(source, 'evolveComment', DEFAULT_CASE, "\n    case 'comment.edited':\n      return state;", 'before');
    return inFunction(evolved, 'decideComment', COMMAND_SWITCH, "\n    case 'edit':\n      return [commentEdited.create({})];", 'after');
  });
  edit(dir, 'src/server/modules/tasks/commands.ts', (source) => {
    const evolved = inFunction(source, 'evolveTask', DEFAULT_CASE, "\n    case 'task.starred':\n      return state;", 'before');
    return inFunction(evolved, 'decideTask', COMMAND_SWITCH, "\n    case 'star':\n      return [taskStarred.create({})];", 'after');
  });
  edit(dir, 'src/server/modules/tasks/read-models/dashboard.ts', (source) => source.replace(/(name: 'dashboard',[\s\S]*?handlers: \{)/, "$1\n    'task.starred': counted(),"));

  // The read model and the procedure the later generators added, through the module's own test.
  edit(dir, 'test/integration/comments.test.ts', (source) =>
    source.replace(
      "resolves.toMatchObject([{ id: created.id, name: 'Ship it' }]);",
      "resolves.toMatchObject([{ id: created.id, name: 'Ship it' }]);\n" +
        '    await expect(owner.api.comments.commentStats({ organizationId })).resolves.toMatchObject([{ id: created.id }]);\n' +
        '    await expect(owner.api.comments.edit({ organizationId, commentId: created.id })).resolves.toMatchObject({ changed: true, settled: true });',
    ),
  );
}
