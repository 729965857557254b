/** The event catalogue's fields (from zod schemas), entries and Markdown, on test-only events. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeEvents, type DescribedReader } from './describe';
import { renderCatalogueMarkdown } from './describe-markdown';
import { defineEvent } from './define-event';
import { fieldsOf } from './fields';

describe('fieldsOf', () => {
  it('gives each field its type, whether it is required, and its constraints, nested fields by path', () => {
    const schema = z.object({
      email: z.email().max(254),
      code: z.string().regex(/^[A-Z]{3}$/).length(3),
      assignee: z.string().min(1).nullable(),
      note: z.string().optional(),
      lines: z.array(z.object({ sku: z.string(), quantity: z.number().int().positive() })).min(1),
    });
    expect(fieldsOf(schema)).toEqual([
      { name: 'email', type: 'string', required: true, constraints: ['at most 254 characters', 'format: email'] },
      { name: 'code', type: 'string', required: true, constraints: ['exactly 3 characters', 'pattern: ^[A-Z]{3}$'] },
      { name: 'assignee', type: 'string | null', required: true, constraints: ['at least 1 character'] },
      { name: 'note', type: 'string', required: false, constraints: [] },
      { name: 'lines', type: 'object[]', required: true, constraints: ['at least 1 item'] },
      { name: 'lines[].sku', type: 'string', required: true, constraints: [] },
      { name: 'lines[].quantity', type: 'integer', required: true, constraints: ['> 0'] },
    ]);
  });

  it('has no rows for data without fields', () => {
    expect(fieldsOf(z.object({}))).toEqual([]);
  });
});

describe('describeEvents and its Markdown', () => {
  const opened = defineEvent({
    type: 'door.opened',
    version: 1,
    description: 'Emitted when a door opens.',
    example: { side: 'in|out' },
    data: z.object({ side: z.enum(['in|out', 'out']) }),
  });
  const closed = defineEvent({ type: 'door.closed', version: 1, description: 'Emitted when a door closes.', example: {}, data: z.object({}) });
  const reader = (name: string, kind: DescribedReader['kind'], types: string[], notify = true): DescribedReader => ({
    name,
    kind,
    raw: false,
    notify,
    handles: (type) => types.includes(type),
  });

  it('lists readers by kind, views only of those that send notices, and raw readers once for every event', () => {
    const described = describeEvents({
      deciders: [{ name: 'door', events: [opened, closed] }],
      projectors: [
        { name: 'archive', kind: 'projector', raw: true, notify: false },
        reader('doors', 'projector', ['door.opened', 'door.closed']),
        reader('quiet', 'projector', ['door.opened'], false),
        reader('bell', 'reactor', ['door.opened'], false),
      ],
      viewsOf: (name) => (name === 'doors' ? ['hallway'] : ['everything']),
    });
    expect(described.everyEvent).toEqual(['archive']);
    expect(described.events.map((e) => [e.type, e.projectors, e.reactors, e.views])).toEqual([
      ['door.opened', ['doors', 'quiet'], ['bell'], ['hallway']],
      ['door.closed', ['doors'], [], ['hallway']],
    ]);

    const markdown = renderCatalogueMarkdown(described);
    expect(markdown).toContain('| `side` | "in\\|out" \\| "out" | yes |  |');
    expect(markdown).toContain('### `door.closed` v1\n\nEmitted when a door closes.\n\nNo data fields.');
    expect(markdown).toContain('Every event, whatever its type, is also read by `archive`.');
  });
});
