/**
 * The tRPC kernel: context, procedure builders, the one error map and the SSE
 * settings. Routers import `router` and the procedures from here.
 *
 * Edit this file when every procedure needs something new (a context field,
 * a middleware, an error mapping); feature code never needs to.
 */
import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { z, ZodError } from 'zod';
import type { Session } from '~/server/auth';
import { db, type Db } from '~/server/db';
import { hasRole } from '~/server/modules/organizations/commands';
import type { Role } from '~/server/modules/organizations/events';
import { membershipOf } from '~/server/modules/organizations/read-models/directory';
import { AppError, type AppErrorCode } from '~/server/errors';
import { logger } from '~/server/logger';
import { mutationRateLimiter } from '~/server/rate-limit';
import { getRedis, type Redis } from '~/server/redis';

export interface Context {
  session: Session | null;
  db: Db;
  redis: Redis;
}

/** The context for a session; used by the HTTP handler, server actions, RSC and tests. */
export function createContextInner(opts: { session: Session | null }): Context {
  return { session: opts.session, db, redis: getRedis() };
}

/**
 * Server-sent events (subscriptions). Vercel ends a function after its
 * `maxDuration` (300 s on Hobby); the server closes the stream a little before
 * that and the client reconnects, resuming from the last event id. The ping
 * interval must stay below the client's inactivity timeout.
 */
export const SSE = {
  maxDurationMs: 270_000,
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

const errors = t.middleware(async ({ next, path, type }) => {
  const result = await next();
  if (result.ok) return result;
  const mapped = toTRPCError(result.error.cause);
  if (mapped) throw mapped;
  if (result.error.code === 'INTERNAL_SERVER_ERROR' && !isNextControlFlow(result.error.cause)) {
    logger.error({ err: result.error.cause ?? result.error, path, type }, 'procedure failed');
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

/**
 * Scoped to one organization the caller belongs to: the input carries
 * `organizationId`, and `ctx.membership` holds the caller's role there. A
 * non-member gets NOT_FOUND (an outsider learns nothing about the organization).
 * Use `organizationProcedureFor('admin')` for stricter procedures.
 */
export const organizationProcedure = protectedProcedure
  .input(z.object({ organizationId: z.uuid('Unknown organization.') }))
  .use(async ({ ctx, input, next }) => {
    const membership = await membershipOf(ctx.db, input.organizationId, ctx.session.user.id);
    if (!membership) throw new TRPCError({ code: 'NOT_FOUND', message: 'Organization not found.' });
    return next({ ctx: { ...ctx, organizationId: input.organizationId, membership } });
  });

/** organizationProcedure for callers with at least `role` there; others get FORBIDDEN. */
export function organizationProcedureFor(role: Role) {
  return organizationProcedure.use(({ ctx, next }) => {
    if (!hasRole(ctx.membership.role, role)) throw new TRPCError({ code: 'FORBIDDEN', message: `Only an ${role} can do that.` });
    return next();
  });
}
