/**
 * What the capacity scenario's figures mean for a deployment, derived in one
 * pure place for the JSON's `capacity` section and docs/scaling.md:
 *
 * - ratios, each subject over its baseline of the same run (how much a
 *   partition, a master or a worker adds; what the product costs over the
 *   primitive under it);
 * - per-core ceilings: 1 s of CPU divided by the CPU time one operation
 *   costs each process. Redis runs commands on one thread and a Node process
 *   on one, so a master, a worker or a web process with a core to itself
 *   tops out near these, whatever else shared this machine during the run.
 *
 * Null wherever a figure was not measured. Edit it with the capacity figures.
 */
import type { Figures } from './contract';

const valueOf = (figures: Figures, key: string): number | null => {
  const value = figures[key]?.value;
  return value !== undefined && Number.isFinite(value) ? value : null;
};

function ratio(figures: Figures, subject: string, baseline: string): number | null {
  const [top, bottom] = [valueOf(figures, subject), valueOf(figures, baseline)];
  return top === null || bottom === null || bottom <= 0 ? null : top / bottom;
}

/** Operations per second one core does when each costs `key`'s µs of CPU. */
function perCore(figures: Figures, key: string): number | null {
  const us = valueOf(figures, key);
  return us === null || us <= 0 ? null : 1_000_000 / us;
}

/** Shown beside a capacity figure in the table: the baseline it was measured against. */
export const CAPACITY_COMPARED_WITH: Record<string, string> = {
  'capacity.append.one_partition': 'capacity.append.xadd',
  'capacity.append.all_partitions': 'capacity.append.one_partition',
  'capacity.append.cluster_one_partition': 'capacity.append.cluster_xadd',
  'capacity.append.cluster_all_partitions': 'capacity.append.cluster_one_partition',
  'capacity.drain.all_partitions': 'capacity.drain.one_partition',
  'capacity.fanout.sse_per_s': 'capacity.fanout.hub_per_s',
};

export function capacitySummary(figures: Figures) {
  const r = (subject: string, baseline: string) => ratio(figures, `capacity.${subject}`, `capacity.${baseline}`);
  const core = (key: string) => perCore(figures, `capacity.${key}`);
  return {
    ratios: {
      append_one_partition_vs_xadd: r('append.one_partition', 'append.xadd'),
      append_all_vs_one_partition: r('append.all_partitions', 'append.one_partition'),
      cluster_append_one_partition_vs_xadd: r('append.cluster_one_partition', 'append.cluster_xadd'),
      cluster_append_all_vs_one_partition: r('append.cluster_all_partitions', 'append.cluster_one_partition'),
      cluster_vs_single_one_partition: r('append.cluster_one_partition', 'append.one_partition'),
      drain_all_vs_one_partition: r('drain.all_partitions', 'drain.one_partition'),
      fanout_sse_vs_hub: r('fanout.sse_per_s', 'fanout.hub_per_s'),
    },
    per_core: {
      redis_appends_per_s: core('append.one_partition_redis_cpu_us'),
      redis_xadds_per_s: core('append.xadd_redis_cpu_us'),
      client_appends_per_s: core('append.one_partition_client_cpu_us'),
      worker_events_per_s: core('drain.one_partition_worker_cpu_us'),
      postgres_events_per_s: core('drain.one_partition_postgres_cpu_us'),
      web_deliveries_per_s: core('fanout.web_cpu_us'),
      /** Open SSE subscribers one core holds while no notice flows. */
      web_idle_subscribers: core('fanout.idle_web_cpu_us'),
      web_commands_per_s: core('read.command_web_cpu_us'),
      web_board_reads_per_s: core('read.board_web_cpu_us'),
      postgres_board_reads_per_s: core('read.board_postgres_cpu_us'),
    },
  };
}
