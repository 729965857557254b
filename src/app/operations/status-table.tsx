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
    <div className="overflow-x-auto rounded-xl border bg-card shadow-sm">
      <table aria-label={label} className="w-full text-left text-sm">
        <thead className="bg-muted/60 text-xs text-muted-foreground">
          <tr>
            {table.columns.map((column) => (
              <th key={column} scope="col" className="whitespace-nowrap px-3 py-2 font-medium">{column}</th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y">
          {table.rows.map((row) => (
            <tr key={row.key} data-stalled={row.stalled || undefined} className={cn(row.stalled && 'bg-destructive/10 text-destructive')}>
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
