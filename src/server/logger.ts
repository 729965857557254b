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

const globalForLogger = globalThis as unknown as { streamlineLogger?: Logger };

export const logger: Logger = globalForLogger.streamlineLogger ?? createLogger();
globalForLogger.streamlineLogger = logger;

/** The message of anything thrown, for one-line logs: the root cause's, since wrappers say less. */
export function errorMessage(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return errorMessage(error.errors[0]);
  if (error instanceof Error && error.cause instanceof Error) return errorMessage(error.cause);
  if (error instanceof Error) return error.message || error.constructor.name; // some libraries throw message-less errors
  return String(error);
}
