/**
 * Up to two letters for an avatar: the first letters of the first and last
 * words of a name ("Ada Lovelace" → "AL"), else the first letter of the
 * email's local part ("bob@example.com" → "B").
 */
export function initials(user: { name?: string | null; email: string }): string {
  const words = (user.name ?? '').trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words.at(-1)] : words.length === 1 ? [words[0]] : [user.email];
  return letters
    .map((word) => Array.from(word ?? '')[0] ?? '')
    .join('')
    .toUpperCase() || '?';
}
