import { describe, expect, it } from 'vitest';
import { formatDuration, partitionTable, projectorState, projectorTable, tableText, workerTable, type StatusForTables } from './operations-table';

const at = '2026-01-01T12:00:00.000Z';
const row = { projector: 'board', partition: 0, position: '0-0', lag: 0, pending: 0, waitingMs: 0, lastProgressAt: null, stalled: false };

const status: StatusForTables = {
  at,
  stallMs: 30_000,
  partitions: [
    { partition: 0, length: 12, lastId: '1767268800000-3', holder: 'worker-a', leaseExpiresInMs: 41_000 },
    { partition: 1, length: 0, lastId: null, holder: null, leaseExpiresInMs: null },
  ],
  projectors: [
    { ...row, position: '1767268790000-0', lag: 3, pending: 2, waitingMs: 45_250, lastProgressAt: '2026-01-01T11:59:15.000Z', stalled: true },
    { ...row, projector: 'feed', partition: 1, lag: null, pending: null },
  ],
  workers: [{ id: 'worker-a', lastBeatAt: '2026-01-01T11:59:58.000Z', partitions: [0, 2] }],
  deadLetters: { failed: 1, blocked: 2 },
};

describe('operations tables', () => {
  it('say the same figures as the status, in words a person reads', () => {
    expect(projectorTable(status).rows).toEqual([
      { key: '0/board', stalled: true, cells: ['0', 'board', '1767268790000-0', '3', '45.3', '45 s ago', '2', 'stalled'] },
      { key: '1/feed', stalled: false, cells: ['1', 'feed', '0-0', '—', '0.0', 'never', '—', 'caught up'] },
    ]);
    expect(partitionTable(status).rows.map((r) => r.cells)).toEqual([
      ['0', '12', '1767268800000-3', 'worker-a', '41 s'],
      ['1', '0', '—', 'nobody', '—'],
    ]);
    expect(workerTable(status).rows.map((r) => r.cells)).toEqual([['worker-a', '0, 2', '2.0 s ago']]);
  });

  it('tell a projector catching up from one caught up or stalled', () => {
    expect(projectorState(row)).toBe('caught up');
    expect(projectorState({ ...row, pending: 1 })).toBe('catching up');
    expect(projectorState({ ...row, waitingMs: 10 })).toBe('catching up');
    expect(projectorState({ ...row, waitingMs: 10, stalled: true })).toBe('stalled');
  });

  it('format durations from tenths of seconds to days', () => {
    expect([0, 400, 12_400, 180_000, 7_200_000, 4 * 86_400_000].map(formatDuration)).toEqual(['0.0 s', '0.4 s', '12 s', '3 min', '2 h', '4 d']);
  });

  it('lay a table out as aligned plain text, marking stalled rows', () => {
    const text = tableText(projectorTable(status)).split('\n');
    expect(text).toHaveLength(4);
    expect(text[0]).toMatch(/^ {2}Partition {2}Projector {2}Checkpoint {6}/);
    expect(text[2]?.startsWith('! 0 ')).toBe(true);
    expect(text[3]?.startsWith('  1 ')).toBe(true);
    // Every column starts at the same offset on every line.
    const offset = (line: string | undefined) => line?.indexOf('Projector') ?? -1;
    expect(text[2]?.indexOf('board')).toBe(offset(text[0]));
    expect(text[3]?.indexOf('feed')).toBe(offset(text[0]));
    expect(tableText({ columns: ['A'], rows: [] }, 'No workers.')).toBe('  No workers.');
  });
});
