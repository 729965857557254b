/**
 * The tRPC kernel: the context's shape, procedure builders, the one error map
 * and the SSE settings. Routers import `router` and the procedures from here;
 * organization-scoped builders live with the organizations feature, and the
 * context is built by the composition root (src/server/app/context.ts).
 *
 * Edit this file when every procedure needs something new (a context field,
 * a middleware, an error mapping); feature code never needs to.
 */
import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { ZodError } from 'zod';
import { env } from '~/env';
import type { Session } from '~/server/auth';
import type { WriteSide } from '~/server/commands/handler';
import type { Db } from '~/server/db';
import { AppError, type AppErrorCode } from '~/server/errors';
import { uuidv7 } from '~/server/events/uuid';
import { logger } from '~/server/logger';
import { mutationRateLimiter } from '~/server/rate-limit';
import type { Redis } from '~/server/redis';

export interface Context {
  session: Session | null;
  db: Db;
  redis: Redis;
  /** Where commands load, decide and append (see src/server/commands/handler.ts). */
  writeSide: WriteSide;
}

/**
 * Server-sent events (subscriptions). Vercel ends a function after its
 * `maxDuration` (300 s on Hobby); the server closes the stream a little before
 * that (`SSE_MAX_DURATION_MS`, 270 s unless set) and the client reconnects,
 * resuming from the last event id. The ping interval must stay below the
 * client's inactivity timeout.
 */
export const SSE = {
  maxDurationMs: env.SSE_MAX_DURATION_MS,
  pingIntervalMs: 10_000,
  reconnectAfterInactivityMs: 25_000,
} as const;

/** Messages per top-level input field, for forms. */
function fieldErrorsOf(error: ZodError): Record<string, string[] | undefined> {
  const fields: Record<string, string[] | undefined> = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? '');
    fields[key] = [...(fields[key] ?? []), issue.message];
  }
  return fields;
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  sse: {
    maxDurationMs: SSE.maxDurationMs,
    ping: { enabled: true, intervalMs: SSE.pingIntervalMs },
    client: { reconnectAfterInactivityMs: SSE.reconnectAfterInactivityMs },
  },
  errorFormatter: ({ shape, error }) => ({
    ...shape,
    data: {
      ...shape.data,
      // Field errors for forms: { fieldErrors: { email: ['Invalid email'] } }.
      zodError: error.cause instanceof ZodError ? { fieldErrors: fieldErrorsOf(error.cause) } : null,
    },
  }),
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
/** Exposed for @trpc/next's server-action handler, which needs the root instance. */
export const trpcInstance = t;

/** Next.js signals redirects and not-found by throwing; those are control flow, not failures. */
function isNextControlFlow(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'digest' in error &&
    typeof error.digest === 'string' &&
    /^NEXT_(REDIRECT|NOT_FOUND|HTTP_ERROR_FALLBACK)/.test(error.digest)
  );
}

const APP_ERROR_CODES = {
  BAD_REQUEST: 'BAD_REQUEST',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  FORBIDDEN: 'FORBIDDEN',
  TOO_MANY_REQUESTS: 'TOO_MANY_REQUESTS',
  UNAVAILABLE: 'SERVICE_UNAVAILABLE',
} as const satisfies Record<AppErrorCode, TRPCError['code']>;

/** The one map from domain errors to tRPC errors; everything else stays INTERNAL_SERVER_ERROR. */
export function toTRPCError(error: unknown): TRPCError | null {
  if (!(error instanceof AppError)) return null;
  return new TRPCError({ code: APP_ERROR_CODES[error.code], message: error.message, cause: error });
}

/**
 * Every call gets a correlation id in `ctx.correlationId`: a command stores it
 * in its events, and the command's, the projectors' and the reactors' log
 * lines about them carry it, so one search follows a mutation everywhere.
 */
const errors = t.middleware(async ({ next, path, type }) => {
  const correlationId = uuidv7();
  const result = await next({ ctx: { correlationId } });
  if (result.ok) return result;
  const mapped = toTRPCError(result.error.cause);
  if (mapped) throw mapped;
  if (result.error.code === 'INTERNAL_SERVER_ERROR' && !isNextControlFlow(result.error.cause)) {
    logger.error({ err: result.error.cause ?? result.error, path, type, correlationId }, 'procedure failed');
  }
  return result;
});

/** Anyone may call it, signed in or not. */
export const publicProcedure = t.procedure.use(errors);

/**
 * Requires a signed-in user; narrows `ctx.session` to non-null. Every mutation
 * also counts against the user's rate limit (RATE_LIMIT_MUTATIONS per
 * RATE_LIMIT_WINDOW_MS). The limit is checked before the input is parsed, so
 * malformed requests count too, and a refused one writes nothing.
 */
export const protectedProcedure = publicProcedure.use(async ({ ctx, next, type }) => {
  if (!ctx.session?.user.id) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to continue.' });
  const limiter = type === 'mutation' ? mutationRateLimiter() : null;
  if (limiter) {
    const decision = await limiter.hit(ctx.session.user.id);
    if (!decision.allowed) {
      throw new AppError('TOO_MANY_REQUESTS', `Too many changes in a short time; try again in ${Math.ceil(decision.retryAfterMs / 1000)} s.`);
    }
  }
  return next({ ctx: { ...ctx, session: ctx.session } });
});
