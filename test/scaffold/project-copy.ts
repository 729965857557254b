/**
 * A throwaway copy of the project to run the generators in: the sources,
 * tests, scripts, migrations and configs, with node_modules linked rather
 * than copied. It lives under the project's own .data/ (ignored by git, lint
 * and the compiler), readable by others, as PostgreSQL started as root runs
 * as its own user (scripts/lib/folder-access.ts).
 */
import { spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');

const FOLDERS = ['src', 'test', 'scripts', 'drizzle'];
const FILES = ['package.json', 'tsconfig.json', 'drizzle.config.ts', 'eslint.config.mjs', 'vitest.config.ts', 'next.config.ts', 'postcss.config.mjs', 'tailwind.config.ts', 'next-env.d.ts'];

export interface ProjectCopy {
  dir: string;
  /** Runs a program of node_modules/.bin in the copy, stopped after `timeoutMs`; resolves with its exit code and output, never rejects. */
  run(bin: string, args: ReadonlyArray<string>, timeoutMs: number): Promise<{ code: number | null; output: string }>;
  remove(): void;
}

export function copyProject(): ProjectCopy {
  const base = path.join(ROOT, '.data');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(path.join(base, 'scaffold-'));
  chmodSync(dir, 0o755);
  for (const folder of FOLDERS) cpSync(path.join(ROOT, folder), path.join(dir, folder), { recursive: true });
  for (const file of FILES) if (existsSync(path.join(ROOT, file))) cpSync(path.join(ROOT, file), path.join(dir, file));
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');

  // The copy's own test runs set up their own environment; the outer run's would leak in.
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (/^(VITEST|TEST$)/.test(key)) delete env[key];
  const run: ProjectCopy['run'] = (bin, args, timeoutMs) =>
    new Promise((resolve) => {
      const child = spawn(path.join(dir, 'node_modules', '.bin', bin), args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      const timer = setTimeout(() => {
        output += `\n(stopped after ${timeoutMs} ms)`;
        child.kill('SIGTERM');
      }, timeoutMs);
      child.stdout.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr.on('data', (c: Buffer) => (output += c.toString()));
      child.on('error', (error) => resolve({ code: null, output: `${output}${String(error)}` }));
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, output });
      });
    });
  return { dir, run, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
