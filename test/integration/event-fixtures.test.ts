/**
 * Upcasting fixtures: test/fixtures/events/ keeps one stored envelope per
 * event type and schema version (`<type>.v<n>.json`). Each must decode
 * through today's catalogue to data its current schema accepts, so bumping
 * a version without an upcaster, or with one that produces the wrong shape,
 * fails here; so does bumping it without keeping the old version's fixture.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { catalogue } from '~/server/app/catalogue';
import { createCatalogue } from '~/server/events/catalogue';
import { defineEvent } from '~/server/events/define-event';
import { checkFixtures, EVENT_FIXTURES } from '../support/event-fixtures';

describe('stored-event fixtures of the app', () => {
  it('every version of every event type has a fixture, and each decodes to the current shape', () => {
    const { problems, decoded } = checkFixtures(catalogue, EVENT_FIXTURES);
    expect(problems).toEqual([]);
    expect(decoded.size).toBe(catalogue.definitions.reduce((sum, d) => sum + d.version, 0));
  });
});

describe('a worked example: note.written v1 → v2', () => {
  // v1 stored the text as "body"; v2 calls it "text" and adds "pinned".
  const noteWritten = defineEvent({
    type: 'note.written',
    version: 2,
    description: 'Emitted when someone writes a note.',
    example: { text: 'Order the banners', pinned: true },
    data: z.object({ text: z.string().min(1).max(500), pinned: z.boolean() }),
    upcast: { 1: (data) => ({ text: z.object({ body: z.string() }).parse(data).body, pinned: false }) },
  });
  const folder = path.join(EVENT_FIXTURES, 'worked-example');

  it('the v1 fixture decodes, through the upcaster, to the current shape', () => {
    const { problems, decoded } = checkFixtures(createCatalogue([noteWritten]), folder);
    expect(problems).toEqual([]);
    expect(decoded.get('note.written.v1.json')).toEqual({ text: 'Call the printer about the posters', pinned: false });
    expect(decoded.get('note.written.v2.json')).toEqual({ text: 'Order the banners', pinned: true });
  });

  it('bumping to v3 without a v3 fixture fails, naming the missing file', () => {
    const v3 = defineEvent({
      ...noteWritten,
      personal: undefined, // typed for the v2 data
      version: 3,
      example: { text: 'Order the banners', pinned: true, color: 'yellow' },
      data: z.object({ text: z.string(), pinned: z.boolean(), color: z.string() }),
      upcast: { ...noteWritten.upcast, 2: (data) => ({ ...z.object({ text: z.string(), pinned: z.boolean() }).parse(data), color: 'yellow' }) },
    });
    const { problems } = checkFixtures(createCatalogue([v3]), folder);
    expect(problems).toEqual([expect.stringMatching(/^test\/fixtures\/events\/worked-example\/note\.written\.v3\.json is missing: /)]);
  });

  it('an upcaster that leaves the old shape fails on the old fixture', () => {
    const lazy = defineEvent({ ...noteWritten, upcast: { 1: (data) => data } });
    const { problems } = checkFixtures(createCatalogue([lazy]), folder);
    expect(problems).toEqual([expect.stringMatching(/^test\/fixtures\/events\/worked-example\/note\.written\.v1\.json does not decode: invalid data for note\.written/)]);
  });

  it('a fixture of a type or version the code does not know is reported', () => {
    const v1Only = defineEvent({ ...noteWritten, personal: undefined, version: 1, example: { body: 'x' }, data: z.object({ body: z.string() }), upcast: {} });
    const { problems } = checkFixtures(createCatalogue([v1Only]), folder);
    expect(problems).toEqual([expect.stringContaining('note.written.v2.json is not a version of any event type this code knows')]);
  });
});
