/**
 * Structured logging. JSON lines in production (what log drains expect),
 * colourised single lines in development. Use child loggers per component:
 * `logger.child({ component: 'worker' })`.
 */
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import { env } from '~/env';

function createLogger(): Logger {
  const options = { level: env.LOG_LEVEL, base: undefined };
  if (env.LOG_FORMAT === 'json') return pino(options);
  // A synchronous stream rather than a transport: transports run in worker
  // threads, which bundlers (Next.js) cannot follow.
  return pino(options, pretty({ colorize: true, sync: true, singleLine: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss.l' }));
}

// globalThis has no such slot in its type; one instance survives dev hot reloads there.
const globalForLogger = globalThis as unknown as { streamlineLogger?: Logger };

export const logger: Logger = globalForLogger.streamlineLogger ?? createLogger();
globalForLogger.streamlineLogger = logger;

export { errorMessage } from './errors';
