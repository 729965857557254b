import { describe, expect, it } from 'vitest';
import { aggregateFor } from './project';

const events = `
export const orgCreated = defineEvent({ type: 'organization.created', version: 1, data: z.object({}) });
export const memberAdded = defineEvent({ type: 'member.added', version: 1, data: z.object({}) });
export const noteAdded = defineEvent({ type: 'note.added', version: 1, data: z.object({}) });
export const organizationEvents = [orgCreated, memberAdded] as const;
export const noteEvents = [noteAdded, memberAdded] as const;
`;

describe('aggregateFor', () => {
  it('finds the list named after the prefix, or the one list holding events of that prefix', () => {
    expect(aggregateFor('events.ts', events, 'note').list).toBe('noteEvents');
    expect(aggregateFor('events.ts', events, 'organization').list).toBe('organizationEvents');
  });

  it('refuses a prefix two lists share, and one no list has, naming the lists', () => {
    expect(() => aggregateFor('events.ts', events, 'member')).toThrow(/member\.\* events could belong to organizationEvents or noteEvents/);
    expect(() => aggregateFor('events.ts', events, 'invoice')).toThrow(/no aggregate takes invoice\.\* events \(its lists: organizationEvents \(organization\.…, member\.…\), noteEvents \(note\.…, member\.…\)\)/);
  });
});
