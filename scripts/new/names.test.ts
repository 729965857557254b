import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseVerb, eventNames, eventType, featureName, readModelName, singular } from './names';
import { Plan } from './plan';

describe('baseVerb', () => {
  it('finds the command in the usual event verbs', () => {
    const verbs = {
      created: 'create', renamed: 'rename', edited: 'edit', moved: 'move', assigned: 'assign', archived: 'archive', restored: 'restore', labeled: 'label',
      labelled: 'label', commented: 'comment', invited: 'invite', revoked: 'revoke', added: 'add', removed: 'remove', changed: 'change', starred: 'star',
      deleted: 'delete', completed: 'complete', opened: 'open', submitted: 'submit', cancelled: 'cancel', called: 'call', passed: 'pass', copied: 'copy',
      prioritized: 'prioritize', enabled: 'enable', paused: 'pause', provided: 'provide', visited: 'visit', claimed: 'claim', paid: 'pay', sent: 'send',
    };
    expect(Object.fromEntries(Object.keys(verbs).map((past) => [past, baseVerb(past)]))).toEqual(verbs);
  });

  it('names a command after the verb, then what it acts on', () => {
    expect(eventNames('member.role-changed')).toMatchObject({ aggregate: 'member', constName: 'memberRoleChanged', command: 'changeRole', derivedCommand: true });
    expect(eventNames('task.starred', 'favourite')).toMatchObject({ constName: 'taskStarred', command: 'favourite', derivedCommand: false });
  });
});

describe('names', () => {
  it('derives the aggregate from the feature', () => {
    expect(['comments', 'time-entries', 'categories', 'addresses', 'billing', 'status'].map(singular)).toEqual(['comment', 'time-entry', 'category', 'address', 'billing', 'status']);
  });

  it('accepts kebab-case names and `aggregate.what-happened` types only', () => {
    expect(featureName.safeParse('time-entries').success).toBe(true);
    for (const bad of ['Comments', 'time_entries', '9lives', 'a--b', '', 'x'.repeat(41)]) expect(featureName.safeParse(bad).success, bad).toBe(false);
    expect(readModelName.safeParse('comment-stats').success).toBe(true);
    expect(eventType.safeParse('member.role-changed').success).toBe(true);
    for (const bad of ['task', 'Task.created', 'task.created.twice', 'task.', '.created', 'task created']) expect(eventType.safeParse(bad).success, bad).toBe(false);
  });
});

describe('Plan', () => {
  it('writes nothing when a later step refuses, and never overwrites a file', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'plan-'));
    try {
      writeFileSync(path.join(root, 'a.ts'), 'const a = 1;\n');
      const plan = new Plan(root);
      plan.create('b.ts', 'const b = 1;\n');
      plan.edit('a.ts', 'a is 2', (s) => s.replace('1', '2'));
      expect(() => plan.create('a.ts', 'x')).toThrow(/a\.ts exists already/);
      expect(() => plan.edit('c.ts', 'c', (s) => s)).toThrow(/c\.ts does not exist/);
      expect(readFileSync(path.join(root, 'a.ts'), 'utf8')).toBe('const a = 1;\n');
      plan.write();
      expect(readFileSync(path.join(root, 'a.ts'), 'utf8')).toBe('const a = 2;\n');
      expect(plan.summary()).toEqual(['  created  b.ts', '  changed  a.ts: a is 2']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
