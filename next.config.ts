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
