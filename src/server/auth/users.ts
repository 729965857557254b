/**
 * Users as the development sign-in knows them: found or created by email. The
 * sign-in and `npm run seed` share this, so a seeded user is the one who signs in.
 */
import { db } from '~/server/db';
import { users } from '~/server/db/auth-schema';

/** Finds or creates the user with this (lower-case) email. */
export async function upsertUserByEmail(email: string) {
  const [user] = await db
    .insert(users)
    .values({ email, name: email.split('@')[0] ?? email })
    .onConflictDoUpdate({ target: users.email, set: { email } })
    .returning();
  return user ?? null;
}
