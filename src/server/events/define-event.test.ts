/** What `defineEvent` refuses when a module is loaded, so a mistake in an event's declaration stops start-up. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEvent } from './define-event';

const valid = {
  type: 'item.renamed',
  version: 1,
  description: 'Emitted when an item gets a new title.',
  example: { title: 'New title' },
  data: z.object({ title: z.string().min(1).max(50) }),
};

describe('defineEvent', () => {
  it('keeps the description and the example, parsed by the schema', () => {
    const trimmed = defineEvent({ ...valid, data: z.object({ title: z.string().trim().min(1) }), example: { title: '  Padded  ' } });
    expect(trimmed).toMatchObject({ description: valid.description, example: { title: 'Padded' } });
  });

  it('refuses type names that are not namespaced', () => {
    expect(() => defineEvent({ ...valid, type: 'Renamed' })).toThrow(/namespaced/);
  });

  it('bumping a version without an upcaster refuses to start', () => {
    expect(() => defineEvent({ ...valid, version: 2 })).toThrow('Event "item.renamed" v2: missing upcast[1] (v1 → v2).');
    expect(() => defineEvent({ ...valid, version: 3, upcast: { 1: (d) => d } })).toThrow(/missing upcast\[2\]/);
    expect(defineEvent({ ...valid, version: 2, upcast: { 1: (d) => d } }).version).toBe(2);
  });

  it('refuses an example its schema does not parse, naming the event', () => {
    expect(() => defineEvent({ ...valid, example: { title: '' } })).toThrow(/^Event "item\.renamed" v1: its example does not parse: .*title/s);
    // An example of an older version (here: the field's old name) is refused the same way.
    // @ts-expect-error: the example must have the current version's shape
    expect(() => defineEvent({ ...valid, example: { name: 'Old name' } })).toThrow(/item\.renamed.*example does not parse/s);
  });

  it('refuses a description that does not say when the event is emitted', () => {
    for (const description of ['', 'An item was renamed.', 'Emitted when an item is renamed', 'Emitted when .']) {
      expect(() => defineEvent({ ...valid, description }), description).toThrow(/item\.renamed.*"Emitted when"/);
    }
  });
});
