/** A person's avatar: their initials, and the Gravatar image of their email (which the page falls back from when there is none). */
import { createHash } from 'node:crypto';
import { initials } from '~/lib/initials';

export const initialsOf = (name: string | null, email: string): string => initials({ name, email });

/** Gravatar by the SHA-256 of the trimmed, lower-cased address; `d=404` so a missing image shows the initials instead. */
export function gravatarUrl(email: string): string {
  const hash = createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
  return `https://www.gravatar.com/avatar/${hash}?s=160&d=404`;
}
