/** Every projector that sends change notices names the views it makes stale (src/lib/stale-views.ts). */
import { describe, expect, it } from 'vitest';
import { ALL_VIEWS, staleViews } from '~/lib/stale-views';
import { projectors } from '~/server/app/projectors';

describe('live views', () => {
  it('maps every notifying projector of the app to something narrower than the whole page', () => {
    const notifying = projectors.filter((p) => p.notify).map((p) => p.name);
    expect(notifying.length).toBeGreaterThan(0);
    const unmapped = notifying.filter((name) => staleViews({ projector: name }) === ALL_VIEWS);
    expect(unmapped, 'add these projectors to VIEWS_OF_PROJECTOR in src/lib/stale-views.ts').toEqual([]);
  });
});
