/**
 * Calling the app's procedures in-process as a given user, telling how a
 * call ended, and closing the app's shared clients when a test file is done
 * with them.
 */
import { randomUUID } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { afterAll } from 'vitest';
import { createCaller } from '~/server/app/router';
import { createContextInner } from '~/server/app/context';
import type { Session } from '~/server/auth';
import { db } from '~/server/db';
import { closeNoticeHub } from '~/server/realtime';
import { getRedis } from '~/server/redis';

/**
 * A signed-in user with a fresh id, and a caller acting as them. Their email
 * is `<name>@example.com`, or with `uniqueEmail` one no other user has.
 */
export function as(name: string, opts: { uniqueEmail?: boolean } = {}) {
  const id = `${name}-${randomUUID().slice(0, 8)}`;
  const email = opts.uniqueEmail ? `${id}@example.com` : `${name}@example.com`;
  const session: Session = { user: { id, email, name }, expires: new Date(Date.now() + 3_600_000).toISOString() };
  return { session, email, api: createCaller(createContextInner({ session })) };
}

/** How a call ended: 'OK', or the code of the TRPCError it threw (with `withMessage`, then ': ' and its message). */
export async function codeOf(promise: Promise<unknown>, opts: { withMessage?: boolean } = {}): Promise<string> {
  try {
    await promise;
    return 'OK';
  } catch (error) {
    if (!(error instanceof TRPCError)) return `not a TRPCError: ${String(error)}`;
    return opts.withMessage ? `${error.code}: ${error.message}` : error.code;
  }
}

/** `codeOf` with the error's message: 'CONFLICT: This invitation was already used.' */
export const codeAndMessageOf = (promise: Promise<unknown>) => codeOf(promise, { withMessage: true });

/** Registers the closing of the shared Redis client and database pool after the file's tests. */
export function closeAppClientsAfterAll(): void {
  afterAll(async () => {
    closeNoticeHub();
    getRedis().destroy();
    await db.$client.end({ timeout: 5 });
  });
}
