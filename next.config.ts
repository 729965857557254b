import type { NextConfig } from 'next';
import { PHASE_PRODUCTION_BUILD } from 'next/constants';
import { loadEnvOrExit } from './src/env-schema';

/**
 * `STREAMLINE_BENCH_BUILD=1` (set by `npm run bench` for both `next build`
 * and `next start`) makes the bench's own build: route files named
 * `route.bench.ts` become routes (bench-only endpoints, e.g. the no-op and
 * CRUD baselines of src/app/api/bench/), and the output goes to `.next-bench`
 * so it never replaces the normal `.next`. Without it those files are inert:
 * a normal build has no bench route.
 */
const benchBuild = process.env.STREAMLINE_BENCH_BUILD === '1';

/**
 * `STREAMLINE_E2E_DEV=1` (set by the end-to-end tests that run `next dev`,
 * see scripts/lib/app-server.ts) puts that dev server's output in
 * `.next-e2e-dev` (Next writes it to `<distDir>/dev`), so it neither meets a
 * developer's own `npm run dev` in `.next/dev` nor the production build the
 * other end-to-end tests serve from `.next`. Each such server starts from an
 * empty folder and keeps no Turbopack cache on disk: outputs and a cache left
 * by a run on other sources made pages fetch chunks that were gone and reload
 * over and over.
 */
const e2eDevServer = process.env.STREAMLINE_E2E_DEV === '1';

const config: NextConfig = {
  reactStrictMode: true,
  // pino's pretty printer loads its modules at run time; keep them out of the bundle.
  serverExternalPackages: ['pino', 'pino-pretty'],
  ...(benchBuild
    ? {
        distDir: '.next-bench',
        pageExtensions: ['tsx', 'ts', 'jsx', 'js', 'bench.ts'],
        // The normal build type-checks the same sources; the bench's need not do it again.
        typescript: { ignoreBuildErrors: true },
      }
    : {}),
  ...(e2eDevServer ? { distDir: '.next-e2e-dev', experimental: { turbopackFileSystemCacheForDev: false } } : {}),
};

export default function nextConfig(phase: string): NextConfig {
  // Validate the environment when Next loads its config (dev, build, start): a bad
  // variable stops here with one line naming it, before any request is served.
  // The build only needs variables to be well-formed; servers need them set.
  const buildPhase = phase === PHASE_PRODUCTION_BUILD;
  if (buildPhase) process.env.NEXT_PHASE = phase;
  loadEnvOrExit({ buildPhase });
  return config;
}
