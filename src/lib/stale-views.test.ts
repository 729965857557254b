import { describe, expect, it } from 'vitest';
import { ALL_VIEWS, staleViews } from './stale-views';

describe('staleViews', () => {
  it('refetches only the read model whose projector sent the notice', () => {
    expect(staleViews({ projector: 'board' })).toEqual(['board']);
    expect(staleViews({ projector: 'directory' })).toEqual(['organization']);
  });

  it('refetches everything after a reset, or for a projector it does not know', () => {
    expect(staleViews({ projector: 'board', reset: true })).toEqual(ALL_VIEWS);
    expect(staleViews({ projector: 'invoices' })).toEqual(ALL_VIEWS);
    expect(staleViews({ projector: 'toString' })).toEqual(ALL_VIEWS);
  });

});
