/**
 * Environment loading for scripts. `.env*` files are read the way Next.js
 * reads them (same files, same precedence). Scripts other than `npm run dev`
 * also pick up the local services of a running `npm run dev`
 * (`.data/dev-services.env`) for whatever is still unset, so `npm run worker`,
 * `npm run db:migrate` and `npm run db:studio` work next to it with no
 * configuration.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import nextEnv from '@next/env';

/** Where `npm run dev` keeps local service data. */
export const DATA_DIR = path.resolve(process.cwd(), process.env.STREAMLINE_DATA_DIR || '.data');
export const DEV_SERVICES_FILE = path.join(DATA_DIR, 'dev-services.env');

export function loadDotenv(): void {
  nextEnv.loadEnvConfig(process.cwd(), process.env.NODE_ENV !== 'production', {
    info: () => undefined,
    error: console.error,
  });
}

export function loadScriptEnv(): void {
  loadDotenv();
  if (!existsSync(DEV_SERVICES_FILE)) return;
  for (const line of readFileSync(DEV_SERVICES_FILE, 'utf8').split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match?.[1] && match[2] !== undefined && !process.env[match[1]]) process.env[match[1]] = match[2];
  }
}
