/**
 * `next build` only when a source is newer than the last build: the e2e
 * suite's build (`.next`) and the bench's own (`.next-bench`, with its
 * bench-only routes; see next.config.ts) both come from here. Edit the list
 * of sources when the build starts reading another file or folder.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const NEXT = path.join(ROOT, 'node_modules', '.bin', 'next');
const SOURCES = ['src', 'next.config.ts', 'tailwind.config.ts', 'postcss.config.mjs', 'package-lock.json'];
/** Rewritten by every build and dev server to point at its types; kept as it was, so a bench build leaves the normal one's. */
const NEXT_ENV = path.join(ROOT, 'next-env.d.ts');
/** A build that takes longer is stuck; a cold one takes a few minutes on 2 cores. */
const BUILD_WITHIN_MS = 20 * 60_000;

function newestMtime(entry: string): number {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(entry).map((name) => newestMtime(path.join(entry, name))));
}

/**
 * Builds into `distDir` (relative to the project) unless its build is newer
 * than every source; `env` comes on top of this process's environment and
 * must select that `distDir` in next.config.ts. Returns whether it built.
 */
export function ensureNextBuild(opts: { distDir: string; env?: Record<string, string>; label: string; /** Keep the build's output unless it fails. */ quiet?: boolean }): boolean {
  const buildId = path.join(ROOT, opts.distDir, 'BUILD_ID');
  const newestSource = Math.max(...SOURCES.map((entry) => newestMtime(path.join(ROOT, entry))));
  if (existsSync(buildId) && statSync(buildId).mtimeMs >= newestSource) return false;
  if (!opts.quiet) console.log(`${opts.label}: building the app (next build into ${opts.distDir})…`);
  const restoreNextEnv = opts.distDir === '.next' ? () => undefined : keepNextEnv();
  try {
    const result = spawnSync(NEXT, ['build'], {
      cwd: ROOT,
      stdio: opts.quiet ? 'pipe' : 'inherit',
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      timeout: BUILD_WITHIN_MS,
      env: { ...process.env, NODE_ENV: 'production', ...opts.env },
    });
    if (result.status !== 0) {
      if (opts.quiet) console.error(`${result.stdout}${result.stderr}`.slice(-8_000));
      throw new Error(`next build into ${opts.distDir} ${result.error ? `did not finish (${result.error.message})` : 'failed'}; see the output above`);
    }
  } finally {
    restoreNextEnv();
  }
  return true;
}

/**
 * Remembers `next-env.d.ts` as it is now; the returned function puts it back.
 * Next rewrites it to point at the types of whatever build or dev server ran
 * last, and `tsc` should keep reading the normal build's.
 */
export function keepNextEnv(): () => void {
  const kept = existsSync(NEXT_ENV) ? readFileSync(NEXT_ENV, 'utf8') : null;
  return () => {
    if (kept === null) rmSync(NEXT_ENV, { force: true });
    else writeFileSync(NEXT_ENV, kept);
  };
}
