/**
 * "Sign out everywhere" under next-auth's JWT sessions: a token issued before
 * the person's `revoked_before` is refused (src/server/auth/config.ts, the
 * `jwt` callback). JWTs are stateless, so this row is the only way to end
 * sessions on other devices. Written by src/server/auth/revocations.ts.
 */
import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const sessionRevocations = pgTable('session_revocations', {
  userId: text('user_id').primaryKey(),
  revokedBefore: timestamp('revoked_before', { mode: 'date', withTimezone: true }).notNull(),
});
