/**
 * Ids of what creating commands bring into being, and how a client's
 * idempotency key makes them safe to retry.
 *
 * A creating procedure (an organization, a project, a task, an invitation)
 * takes an optional `idempotencyKey` (a UUID the client draws once per request
 * and keeps across its retries). With one, the new id is derived from the
 * user, the key and what is being created, so a retry whose first response
 * was lost names the same aggregate or entity; the command handler passes the
 * key on to the append, which stores the first result under it
 * (src/server/events/append.ts), and the retry gets that result back and
 * appends nothing. Without one, the id is random, as before.
 *
 * A key reused with different input: the stored result wins. The id depends
 * on the key, not on the input, so the second request meets the first one's
 * stored result and answers it (the first request's id), creating nothing.
 * (An organization's id also depends on its slug's partition; its router
 * looks the key's other ids up to keep this promise.)
 * Once the stored result has expired (24 h), the same key names an aggregate
 * or invitation that exists already, which the deciders refuse with CONFLICT.
 * A key sent earlier with a request for another kind of thing is refused with
 * CONFLICT by the command handler.
 *
 * Edit this file to change how ids are derived; a new creating procedure only
 * calls `newId` with its own scope.
 */
import { createHash, randomUUID } from 'node:crypto';

/** A version-4-shaped UUID derived from `text` (SHA-256): the same text, the same id. */
export function uuidFrom(text: string): string {
  const h = createHash('sha256').update(text).digest();
  h[6] = ((h[6] ?? 0) & 0x0f) | 0x40;
  h[8] = ((h[8] ?? 0) & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The id of what a creating command creates: random without an idempotency
 * key; with one, derived from the user, the key and `scope` (the kind of thing
 * and the organization it belongs to), so the same request sent again names
 * the same thing, and one key never names things of another user, kind or
 * organization.
 */
export function newId(userId: string, idempotencyKey: string | undefined, ...scope: ReadonlyArray<string>): string {
  return idempotencyKey === undefined ? randomUUID() : uuidFrom([userId, idempotencyKey, ...scope].join(':'));
}
