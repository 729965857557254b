'use client';
import { workerTable } from '~/lib/operations-table';
import { Section } from './section';
import { StatusQuery } from './status-query';
import { StatusTable } from './status-table';

/** The workers whose heartbeat is recent, and the partitions they hold. */
export function WorkersSection() {
  return (
    <Section
      id="workers"
      title="Workers"
      description={
        <>
          Running <code>npm run worker</code> processes. A serverless deployment has none: drains after responses and the cron route do
          their work.
        </>
      }
    >
      <StatusQuery what="the workers">
        {(status) => <StatusTable table={workerTable(status)} label="Workers" empty="No live worker." />}
      </StatusQuery>
    </Section>
  );
}
