/**
 * A table of the operations status (src/lib/operations-table.ts builds its
 * headers and cells, the same as `npm run projections -- status` prints).
 * Stalled rows are highlighted; `cell` may render a column its own way.
 */
import type { ReactNode } from 'react';
import { cn } from '~/lib/cn';
import type { Table } from '~/lib/operations-table';
import { Empty } from './section';

export function StatusTable({ table, label, empty, cell }: { table: Table; label: string; empty: string; cell?: (value: string, column: string) => ReactNode }) {
  if (table.rows.length === 0) return <Empty>{empty}</Empty>;
  return (
    <div className="overflow-x-auto rounded-xl bg-white ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800">
      <table aria-label={label} className="w-full text-left text-sm">
        <thead className="bg-zinc-50 text-xs text-zinc-500 dark:bg-zinc-800/60 dark:text-zinc-400">
          <tr>
            {table.columns.map((column) => (
              <th key={column} scope="col" className="whitespace-nowrap px-3 py-2 font-medium">{column}</th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
          {table.rows.map((row) => (
            <tr key={row.key} data-stalled={row.stalled || undefined} className={cn(row.stalled && 'bg-red-50 text-red-900 dark:bg-red-950/40 dark:text-red-200')}>
              {row.cells.map((value, i) => {
                const column = table.columns[i] ?? '';
                return (
                  <td key={column} className="whitespace-nowrap px-3 py-2 tabular-nums">{cell ? cell(value, column) : value}</td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
