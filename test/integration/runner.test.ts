import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

it('a failing test makes the run exit non-zero, even with the real servers started', { timeout: 90_000 }, async () => {
  const child = spawn(path.join(ROOT, 'node_modules', '.bin', 'vitest'), ['run', '--config', 'test/fixtures/failing/vitest.config.ts'], {
    cwd: ROOT,
    env: { ...process.env, CI: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  expect(output).toContain('Tests: 0 passed, 1 failed');
  expect(code).toBe(1);
});
