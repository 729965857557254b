/**
 * Calling the app's procedures in-process as a given user, and closing the
 * app's shared clients when a test file is done with them.
 */
import { randomUUID } from 'node:crypto';
import { afterAll } from 'vitest';
import { createCaller } from '~/server/app/router';
import { createContextInner } from '~/server/app/context';
import type { Session } from '~/server/auth';
import { db } from '~/server/db';
import { closeNoticeHub } from '~/server/realtime';
import { getRedis } from '~/server/redis';

/** A signed-in user with a fresh id, and a caller acting as them. */
export function as(name: string) {
  const session: Session = {
    user: { id: `${name}-${randomUUID().slice(0, 6)}`, email: `${name}@example.com`, name },
    expires: new Date(Date.now() + 3_600_000).toISOString(),
  };
  return { session, api: createCaller(createContextInner({ session })) };
}

/** Registers the closing of the shared Redis client and database pool after the file's tests. */
export function closeAppClientsAfterAll(): void {
  afterAll(async () => {
    closeNoticeHub();
    getRedis().destroy();
    await db.$client.end({ timeout: 5 });
  });
}
