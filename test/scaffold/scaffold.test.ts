/**
 * The generators end to end, in a copy of the project: `new:module
 * comments`, then `new:read-model comments comment-stats`, then `new:event`
 * on the new module (comment.edited) and on a hand-written one (tasks
 * task.starred). After the events the compiler must list every place that
 * must decide, and nothing else; once those are filled minimally (by
 * script, ./fill-stubs.ts) the copy compiles and lints, and its new specs,
 * the module's integration test, the new procedures' fuzz (G12),
 * tenant-isolation (G11) and live-view lines, the stored-event fixtures and
 * the printed event catalogue pass against real Redis and PostgreSQL, its
 * new migrations applied. Refusals write nothing.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newEvent } from '../../scripts/new/event';
import { newModule } from '../../scripts/new/module';
import type { Report } from '../../scripts/new/project';
import { newReadModel } from '../../scripts/new/read-model';
import { fillStubs } from './fill-stubs';
import { copyProject, type ProjectCopy } from './project-copy';

const MINUTE = 60_000;
let copy: ProjectCopy;
/** Every .ts file a generator reported creating or changing. */
const touched = new Set<string>();

beforeAll(() => {
  copy = copyProject();
});
afterAll(() => copy?.remove());

/** One digest of every file under src/, test/ and drizzle/ of the copy: equal digests, nothing written. */
function digest(): string {
  const hash = createHash('sha256');
  for (const folder of ['src', 'test', 'drizzle']) {
    for (const file of readdirSync(path.join(copy.dir, folder), { recursive: true, encoding: 'utf8' }).sort()) {
      const full = path.join(copy.dir, folder, file);
      hash.update(full);
      if (/\.\w+$/.test(file)) hash.update(readFileSync(full));
    }
  }
  return hash.digest('hex');
}

/** Runs a generator in-process on the copy, as `npm run new:<kind>` would, and notes the .ts files it reports. */
function generate(newThing: (root: string, argv: ReadonlyArray<string>) => Report, ...argv: string[]): Report {
  const report = newThing(copy.dir, argv);
  for (const [, file] of report.files.join('\n').matchAll(/^ {2}(?:created|changed) {2}(\S+?\.tsx?)(?::|$)/gm)) if (file) touched.add(file);
  return report;
}

describe('the generators', () => {
  it('refuse bad arguments, taken names and a missing anchor, and write nothing', async () => {
    const before = digest();
    const refusals: Array<[(root: string, argv: ReadonlyArray<string>) => Report, string[], RegExp]> = [
      [newModule, ['Comments'], /lower-case words joined by dashes[\s\S]*Usage: npm run new:module/],
      [newModule, ['tasks'], /src\/server\/modules\/tasks exists already/],
      [newEvent, ['tasks', 'task'], /"<aggregate>\.<what happened>"/],
      [newEvent, ['tasks', 'invoice.paid'], /no aggregate takes invoice\.\* events \(its lists: projectEvents \(project\.…\), taskEvents \(task\.…\)\)/],
      [newEvent, ['tasks', 'task.moved'], /task\.moved exists already/],
      [newReadModel, ['tasks', 'board'], /projector called "board" exists already/],
    ];
    for (const [newThing, argv, message] of refusals) expect(() => generate(newThing, ...argv)).toThrow(message);
    expect(digest()).toBe(before);

    // A registry someone reshaped: the generator stops, naming the file and the line to add by hand, before writing anything.
    const fuzz = path.join(copy.dir, 'test/integration/fuzz.test.ts');
    const original = readFileSync(fuzz, 'utf8');
    writeFileSync(fuzz, original.replace('const INPUTS', 'const WELL_FORMED'));
    const reshaped = digest();
    const cli = await copy.run('tsx', ['scripts/new.ts', 'module', 'comments'], 2 * MINUTE);
    expect(cli.code).toBe(1);
    expect(cli.output).toContain("✖ test/integration/fuzz.test.ts: cannot find INPUTS (looked for /const INPUTS\\b[\\s\\S]*?= \\{/). Add by hand: 'comments.list'");
    expect(digest()).toBe(reshaped);
    writeFileSync(fuzz, original);
  });

  it('new:module (run as npm runs it), new:read-model and new:event write their files and say what is left', async () => {
    const cli = await copy.run('tsx', ['scripts/new.ts', 'module', 'comments'], 2 * MINUTE);
    expect(cli.code, cli.output).toBe(0);
    expect(cli.output).toMatch(/created {2}drizzle\/\d{4}_comments\.sql/);
    expect(cli.output).toContain('What is left to you:');
    for (const [, file] of cli.output.matchAll(/^ {2}(?:created|changed) {2}(\S+?\.tsx?)(?::|$)/gm)) if (file) touched.add(file);
    expect(touched).toContain('src/server/app/catalogue.ts');

    expect(generate(newReadModel, 'comments', 'comment-stats').files.join('\n')).toMatch(/created {2}drizzle\/\d{4}_comments-comment-stats\.sql/);
    for (const [feature, type] of [['comments', 'comment.edited'], ['tasks', 'task.starred']] as const) {
      expect(generate(newEvent, feature, type).steps[0]).toContain('Run `npm run typecheck`. Each error is a place that must decide');
    }
  });

  it('after new:event, the compiler lists every place that must decide, and nothing else', async () => {
    const { code, output } = await copy.run('tsc', ['--noEmit'], 6 * MINUTE);
    expect(code).not.toBe(0);
    const errors = output.split('\n').filter((line) => / error TS\d+:/.test(line));
    const expected: Array<[string, RegExp]> = [
      ['src/server/modules/comments/events.ts', /TODO_say_when_comment_edited_is_emitted/],
      ['src/server/modules/comments/commands.ts', /"comment\.edited"[\s\S]*'never'/], // evolve's exhaustive switch
      ['src/server/modules/comments/commands.ts', /TS2366/], // decide's switch lacks the new command
      ['src/server/modules/comments/read-models/comments.ts', /TODO_handle_comment_edited_in_comments\b/],
      ['src/server/modules/comments/read-models/comment-stats.ts', /TODO_handle_comment_edited_in_comment_stats/],
      ['src/server/modules/tasks/events.ts', /TODO_say_when_task_starred_is_emitted/],
      ['src/server/modules/tasks/commands.ts', /"task\.starred"[\s\S]*'never'/],
      ['src/server/modules/tasks/commands.ts', /TS2366/],
      ['src/server/modules/tasks/read-models/board.ts', /TODO_handle_task_starred_in_board/],
      ['src/server/modules/activity/read-models/feed.ts', /TODO_handle_task_starred_in_activity/],
      ['src/server/modules/tasks/read-models/dashboard.ts', /'"task\.starred"' is missing/],
    ];
    for (const [file, message] of expected) expect(errors.some((e) => e.startsWith(file) && message.test(e)), `${file}: ${message}\n${output}`).toBe(true);
    expect(errors).toHaveLength(expected.length);
  });

  it('filled in, the copy compiles and lints', async () => {
    fillStubs(copy.dir);
    const tsc = await copy.run('tsc', ['--noEmit'], 6 * MINUTE);
    expect(tsc.output).toBe('');
    expect(tsc.code).toBe(0);
    const lint = await copy.run('eslint', ['--max-warnings', '0', ...touched], 6 * MINUTE);
    expect(lint.code, lint.output).toBe(0);
  });

  it('its specs pass, and the new procedures append, feed their read models and pass the G11, G12 and live-view checks', async () => {
    const unit = await copy.run('vitest', ['run', '--project', 'unit', 'src/server/modules/comments', 'src/server/modules/tasks/commands.test.ts'], 5 * MINUTE);
    expect(unit.code, unit.output).toBe(0);
    expect(unit.output).toMatch(/Tests: \d+ passed, 0 failed/);

    const lines = 'comments|tasks\\.star|covers every procedure|notifying projector|stored-event fixtures of the app|prints every event type';
    const files = ['comments', 'fuzz', 'organizations', 'live-views', 'event-fixtures', 'event-catalogue'].map((name) => `test/integration/${name}.test.ts`);
    const integration = await copy.run('vitest', ['run', '--project', 'integration', ...files, '-t', lines], 10 * MINUTE);
    expect(integration.code, integration.output).toBe(0);
    // comments.test.ts (2), fuzz (5 procedures), G11 (5 and the coverage check), live views, fixtures and the printed catalogue (1 each).
    const passed = Number(/Tests: (\d+) passed, 0 failed/.exec(integration.output)?.[1] ?? 0);
    expect(passed, integration.output).toBeGreaterThanOrEqual(16);
  });
});
