/** Every projector that sends change notices names the views it makes stale (src/lib/stale-views.ts). */
import { describe, expect, it } from 'vitest';
import { ALL_VIEWS, staleViews } from '~/lib/stale-views';
import { projectors } from '~/server/app/projectors';
import { expectRegistered } from '../support/registries';

describe('live views', () => {
  it('maps every notifying projector of the app to something narrower than the whole page', () => {
    const notifying = projectors.filter((p) => p.notify).map((p) => p.name);
    expect(notifying.length).toBeGreaterThan(0);
    expectRegistered({
      what: 'projector',
      missing: notifying.filter((name) => staleViews({ projector: name }) === ALL_VIEWS),
      file: 'src/lib/stale-views.ts',
      table: 'VIEWS_OF_PROJECTOR',
      line: (name) => `${name}: [${ALL_VIEWS.map((view) => `'${view}'`).join(', ')}],`,
      note: 'Then keep only the views whose queries read its tables. A new view goes in ALL_VIEWS there, and its queries in useRefetchViews (src/app/o/[organizationId]/use-organization-changes.ts).',
    });
    const empty = notifying.filter((name) => staleViews({ projector: name }).length === 0);
    expect(empty, 'these projectors refresh no view at all: name the views their tables feed in src/lib/stale-views.ts').toEqual([]);
  });
});
