import { describe, expect, it } from 'vitest';
import { ALL_LIVE_QUERIES, ownWritesProjector, stalePaths } from './live-queries';

describe('stalePaths', () => {
  it('refetches only the queries of the read model whose projector sent the notice', () => {
    expect(stalePaths({ projector: 'board' })).toEqual(['tasks.board', 'tasks.projects']);
    expect(stalePaths({ projector: 'directory' })).toEqual(['organizations.get', 'organizations.members', 'organizations.invitations', 'organizations.mine']);
  });

  it('refetches every live query after a reset, or for a projector it does not know', () => {
    expect(stalePaths({ projector: 'board', reset: true })).toEqual(ALL_LIVE_QUERIES);
    expect(stalePaths({ projector: 'invoices' })).toEqual(ALL_LIVE_QUERIES);
    expect(stalePaths({ projector: 'toString' })).toEqual(ALL_LIVE_QUERIES);
    expect(ALL_LIVE_QUERIES).toEqual(expect.arrayContaining(['tasks.board', 'activity.list', 'tasks.dashboard', 'organizations.mine']));
  });
});

describe('ownWritesProjector', () => {
  it('names the read model a router’s mutations wait for, and none for routers without one', () => {
    expect(ownWritesProjector('tasks.move')).toBe('board');
    expect(ownWritesProjector('organizations.rename')).toBe('directory');
    expect(ownWritesProjector('operations.retry')).toBeNull();
    expect(ownWritesProjector('constructor.x')).toBeNull();
  });
});
