import type { NextConfig } from 'next';
import { PHASE_PRODUCTION_BUILD } from 'next/constants';
import { loadEnvOrExit } from './src/env-schema';

const config: NextConfig = {
  reactStrictMode: true,
  // pino's pretty printer loads its modules at run time; keep them out of the bundle.
  serverExternalPackages: ['pino', 'pino-pretty'],
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
