'use client';
import { cn } from '~/lib/cn';
import { projectorTable, type ProjectorState } from '~/lib/operations-table';
import { Section } from './section';
import { StatusQuery } from './status-query';
import { StatusTable } from './status-table';

const STATE_STYLE: Record<ProjectorState, string> = {
  stalled: 'bg-red-100 text-red-800 dark:bg-red-900/60 dark:text-red-200',
  'catching up': 'bg-amber-100 text-amber-800 dark:bg-amber-900/50 dark:text-amber-200',
  'caught up': 'bg-emerald-100 text-emerald-800 dark:bg-emerald-900/50 dark:text-emerald-200',
};

function isState(value: string): value is ProjectorState {
  return value in STATE_STYLE;
}

/** Every projector on every partition: where it is, how far behind, and whether it is stalled. */
export function ProjectorsSection() {
  return (
    <Section
      id="projectors"
      title="Projectors"
      description={
        <>
          Per partition: the checkpoint (last event committed), events not read yet, how long the oldest uncommitted event has waited, the
          last commit, and entries read but not acknowledged yet. A projector is stalled when an event has waited longer than{' '}
          <code>PROJECTOR_STALL_MS</code>.
        </>
      }
    >
      <StatusQuery what="the projectors">
        {(status) => (
          <StatusTable
            table={projectorTable(status)}
            label="Projectors by partition"
            empty="No projectors."
            cell={(value, column) =>
              column === 'State' && isState(value) ? (
                <span className={cn('rounded-full px-2 py-0.5 text-xs font-medium', STATE_STYLE[value])}>{value}</span>
              ) : (
                value
              )
            }
          />
        )}
      </StatusQuery>
    </Section>
  );
}
