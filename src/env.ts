/**
 * The validated environment, parsed once per process. Import `env` from here;
 * the rules live in ./env-schema.ts.
 */
import { loadEnvOrExit, type Env } from './env-schema';

export type { Env } from './env-schema';

export const env: Env = loadEnvOrExit({ buildPhase: process.env.NEXT_PHASE === 'phase-production-build' });
