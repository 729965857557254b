'use client';
import { partitionTable } from '~/lib/operations-table';
import { Section } from './section';
import { StatusQuery } from './status-query';
import { StatusTable } from './status-table';

/** Each partition's stream and who holds its lease. */
export function PartitionsSection() {
  return (
    <Section
      id="partitions"
      title="Partitions"
      description="Each partition is one Redis stream. One holder at a time reads it: a worker, or a drain run by a request or the cron route."
    >
      <StatusQuery what="the partitions">{(status) => <StatusTable table={partitionTable(status)} label="Partitions" empty="No partitions." />}</StatusQuery>
    </Section>
  );
}
