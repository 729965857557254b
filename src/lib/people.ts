/** How a person is shown to others: their display name once they set one, else their email. */
export function personName(person: { displayName?: string | null; email: string }): string {
  return person.displayName?.trim() || person.email;
}

