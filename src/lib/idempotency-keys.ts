/**
 * The browser's idempotency keys for a form that creates something (an
 * organization, a project, a task, an invitation): the key sent with its
 * creating mutation, so that a retry after a lost response creates nothing
 * twice (the server side is src/server/commands/idempotency.ts).
 *
 * One key per request the user means to make: sending the same input again
 * (a retry after an error, which may have been a lost response) reuses the
 * key; changed input is a new request and gets a new key, so a corrected form
 * is never answered with the result of what was sent before; success renews
 * the key, so adding the same thing again on purpose creates it again.
 */
export interface IdempotencyKeys {
  /** The key to send with `input` (compared by its JSON). */
  keyFor(input: unknown): string;
  /** After a success: the next submission is a new request, even with the same input. */
  renew(): void;
}

export function idempotencyKeys(newKey: () => string = () => crypto.randomUUID()): IdempotencyKeys {
  let last: { input: string; key: string } | null = null;
  return {
    keyFor(input) {
      const json = JSON.stringify(input);
      if (last?.input !== json) last = { input: json, key: newKey() };
      return last.key;
    },
    renew() {
      last = null;
    },
  };
}
