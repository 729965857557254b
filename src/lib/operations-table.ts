/**
 * The operations status laid out as tables: the same headers and cells on the
 * operations page and in `npm run projections -- status`, so both say the
 * same thing in the same words. Pure and isomorphic; it takes the status's
 * shape (src/server/projectors/operations-status.ts) without importing it.
 *
 * Edit it to add or rename a column; the page and the command follow.
 */

export interface ProjectorRowStatus {
  projector: string;
  partition: number;
  position: string;
  lag: number | null;
  pending: number | null;
  waitingMs: number;
  lastProgressAt: string | null;
  stalled: boolean;
}

export interface StatusForTables {
  at: string;
  stallMs: number;
  partitions: ReadonlyArray<{ partition: number; length: number; lastId: string | null; holder: string | null; leaseExpiresInMs: number | null }>;
  projectors: ReadonlyArray<ProjectorRowStatus>;
  workers: ReadonlyArray<{ id: string; lastBeatAt: string; partitions: ReadonlyArray<number> }>;
  deadLetters: { failed: number; blocked: number };
}

export type ProjectorState = 'stalled' | 'catching up' | 'caught up';

export interface Table {
  columns: ReadonlyArray<string>;
  /** `stalled` marks a row the page highlights. */
  rows: ReadonlyArray<{ key: string; cells: ReadonlyArray<string>; stalled?: boolean }>;
}

const NONE = '—';

/** A duration the way a person reads it: `0.4 s`, `12 s`, `3 min`, `2 h`, `4 d`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7_200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3_600)} h`;
  return `${Math.round(s / 86_400)} d`;
}

/** How long ago `iso` was, seen from the snapshot's time `at`. */
export function ago(iso: string | null, at: string): string {
  return iso === null ? 'never' : `${formatDuration(Date.parse(at) - Date.parse(iso))} ago`;
}

export function projectorState(row: ProjectorRowStatus): ProjectorState {
  if (row.stalled) return 'stalled';
  return row.waitingMs > 0 || (row.lag ?? 0) > 0 || (row.pending ?? 0) > 0 ? 'catching up' : 'caught up';
}

const count = (n: number | null) => (n === null ? NONE : String(n));

/** Every projector on every partition, partition by partition. */
export function projectorTable(status: StatusForTables): Table {
  return {
    columns: ['Partition', 'Projector', 'Checkpoint', 'Lag (events)', 'Lag (s)', 'Last progress', 'Pending', 'State'],
    rows: status.projectors.map((row) => ({
      key: `${row.partition}/${row.projector}`,
      stalled: row.stalled,
      cells: [
        String(row.partition),
        row.projector,
        row.position,
        count(row.lag),
        (row.waitingMs / 1000).toFixed(1),
        ago(row.lastProgressAt, status.at),
        count(row.pending),
        projectorState(row),
      ],
    })),
  };
}

/** Each partition's stream and who holds its lease. */
export function partitionTable(status: StatusForTables): Table {
  return {
    columns: ['Partition', 'Entries', 'Newest entry', 'Lease holder', 'Lease lapses in'],
    rows: status.partitions.map((p) => ({
      key: String(p.partition),
      cells: [String(p.partition), String(p.length), p.lastId ?? NONE, p.holder ?? 'nobody', p.leaseExpiresInMs === null ? NONE : formatDuration(p.leaseExpiresInMs)],
    })),
  };
}

/** The live workers. */
export function workerTable(status: StatusForTables): Table {
  return {
    columns: ['Worker', 'Partitions held', 'Last heartbeat'],
    rows: status.workers.map((w) => ({
      key: w.id,
      cells: [w.id, w.partitions.length > 0 ? w.partitions.join(', ') : 'none', ago(w.lastBeatAt, status.at)],
    })),
  };
}

/** One line about parked events. */
export function deadLetterSummary(status: StatusForTables): string {
  const { failed, blocked } = status.deadLetters;
  if (failed + blocked === 0) return 'No dead letters.';
  return `Dead letters: ${failed} failed, ${blocked} blocked behind them.`;
}

/** A table as plain text for a terminal: columns padded to their widest cell, `!` before a stalled row. */
export function tableText(table: Table, empty = 'None.'): string {
  if (table.rows.length === 0) return `  ${empty}`;
  const lines = [table.columns, ...table.rows.map((r) => r.cells)];
  const widths = table.columns.map((_, i) => Math.max(...lines.map((cells) => (cells[i] ?? '').length)));
  const line = (cells: ReadonlyArray<string>, mark: string) => `${mark} ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')}`.trimEnd();
  return [
    line(table.columns, ' '),
    line(widths.map((w) => '-'.repeat(w)), ' '),
    ...table.rows.map((r) => line(r.cells, r.stalled ? '!' : ' ')),
  ].join('\n');
}
