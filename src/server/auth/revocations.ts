/**
 * Ends every session of a person (JWT sessions cannot be deleted, so tokens
 * issued before a cut-off are refused), and answers whether a token is still
 * good. One primary-key lookup per `auth()` call (cached per request).
 */
import { eq, sql } from 'drizzle-orm';
import { db } from '~/server/db';
import { sessions } from '~/server/db/auth-schema';
import { sessionRevocations } from '~/server/db/session-revocations-schema';

/** Refuses every token of the user issued until now (and deletes any database sessions the adapter kept). */
export async function revokeSessions(userId: string): Promise<void> {
  const now = new Date();
  await db
    .insert(sessionRevocations)
    .values({ userId, revokedBefore: now })
    .onConflictDoUpdate({ target: sessionRevocations.userId, set: { revokedBefore: sql`excluded.revoked_before` } });
  await db.delete(sessions).where(eq(sessions.userId, userId));
}

/** Whether a token of `userId` issued at `issuedAtSeconds` (JWT `iat`) was revoked since. */
export async function isRevoked(userId: string, issuedAtSeconds: number): Promise<boolean> {
  const [row] = await db.select({ revokedBefore: sessionRevocations.revokedBefore }).from(sessionRevocations).where(eq(sessionRevocations.userId, userId));
  return row !== undefined && issuedAtSeconds * 1000 <= row.revokedBefore.getTime();
}
