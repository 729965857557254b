'use client';
import { Badge } from '~/components/ui/badge';
import { projectorTable, type ProjectorState } from '~/lib/operations-table';
import { Section } from './section';
import { StatusQuery } from './status-query';
import { StatusTable } from './status-table';

const STATE_STYLE: Record<ProjectorState, 'destructive' | 'warning' | 'success'> = {
  stalled: 'destructive',
  'catching up': 'warning',
  'caught up': 'success',
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
                <Badge variant={STATE_STYLE[value]}>{value}</Badge>
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
