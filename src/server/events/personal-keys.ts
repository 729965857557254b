/**
 * The per-person data keys of ./personal.ts, in Postgres
 * (`personal_data_keys`). Appending creates a subject's key on first use;
 * readers fetch the keys of a whole batch in one query; erasing deletes them.
 *
 * Keys found are cached in this process for KEY_CACHE_MS, so a busy
 * projector asks Postgres only for subjects it has not seen lately. A missing
 * key (an erased person) is never cached, and erasing evicts at once here; a
 * process that cached the key before may still open that person's events
 * for up to KEY_CACHE_MS, which is why erasure also overwrites what the read
 * models hold (the `user.forgotten` handlers) instead of relying on the key alone.
 */
import { randomBytes } from 'node:crypto';
import { inArray } from 'drizzle-orm';
import type { Db } from '~/server/db/client';
import { personalDataKeys } from '~/server/db/personal-data-keys-schema';

export const KEY_CACHE_MS = 30_000;

/** The database or an open transaction (a projector's batch reads keys inside its own). */
export type KeyReader = Pick<Db, 'select' | 'insert' | 'delete'>;

const cache = new Map<string, { key: Buffer; until: number }>();

function cached(subject: string, now: number): Buffer | undefined {
  const hit = cache.get(subject);
  if (hit && hit.until > now) return hit.key;
  if (hit) cache.delete(subject);
  return undefined;
}

/** The keys of `subjects` that exist; an erased (or never seen) subject is absent from the map. One query at most. */
export async function findKeys(db: KeyReader, subjects: ReadonlyArray<string>): Promise<Map<string, Buffer>> {
  const now = Date.now();
  const found = new Map<string, Buffer>();
  const missing: string[] = [];
  for (const subject of new Set(subjects)) {
    const key = cached(subject, now);
    if (key) found.set(subject, key);
    else missing.push(subject);
  }
  if (missing.length === 0) return found;
  const rows = await db.select({ subject: personalDataKeys.subject, key: personalDataKeys.key }).from(personalDataKeys).where(inArray(personalDataKeys.subject, missing));
  for (const row of rows) {
    found.set(row.subject, row.key);
    cache.set(row.subject, { key: row.key, until: now + KEY_CACHE_MS });
  }
  return found;
}

/** The keys of `subjects`, creating the missing ones (two queries at most: concurrent creators agree on the first key stored). */
export async function ensureKeys(db: KeyReader, subjects: ReadonlyArray<string>): Promise<Map<string, Buffer>> {
  const found = await findKeys(db, subjects);
  const missing = [...new Set(subjects)].filter((subject) => !found.has(subject));
  if (missing.length === 0) return found;
  await db
    .insert(personalDataKeys)
    .values(missing.map((subject) => ({ subject, key: randomBytes(32) })))
    .onConflictDoNothing();
  const created = await findKeys(db, missing);
  for (const [subject, key] of created) found.set(subject, key);
  return found;
}

/** Deletes the keys of `subjects`: their sealed fields read as "Deleted user" from now on, everywhere. */
export async function forgetKeys(db: KeyReader, subjects: ReadonlyArray<string>): Promise<void> {
  for (const subject of subjects) cache.delete(subject);
  if (subjects.length > 0) await db.delete(personalDataKeys).where(inArray(personalDataKeys.subject, [...subjects]));
}
