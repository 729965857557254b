/** The capacity scenario's derived results: ratios against each baseline and per-core ceilings from CPU time per operation. */
import { describe, expect, it } from 'vitest';
import { capacitySummary } from './capacity-model';
import type { Figures, Unit } from './contract';

const fig = (value: number, unit: Unit) => ({ value, unit, label: 'x' });

describe('capacitySummary', () => {
  it('is null wherever the capacity scenario did not run', () => {
    const summary = capacitySummary({});
    expect(Object.values(summary.ratios).every((v) => v === null)).toBe(true);
    expect(Object.values(summary.per_core).every((v) => v === null)).toBe(true);
  });

  it('divides each subject by its baseline and turns CPU per operation into operations per core-second', () => {
    const figures: Figures = {
      'capacity.append.xadd': fig(8_000, 'ops/s'),
      'capacity.append.one_partition': fig(4_000, 'ops/s'),
      'capacity.append.all_partitions': fig(4_400, 'ops/s'),
      'capacity.append.cluster_xadd': fig(6_000, 'ops/s'),
      'capacity.append.cluster_one_partition': fig(3_000, 'ops/s'),
      'capacity.append.cluster_all_partitions': fig(4_500, 'ops/s'),
      'capacity.append.one_partition_redis_cpu_us': fig(20, 'µs'),
      'capacity.append.xadd_redis_cpu_us': fig(10, 'µs'),
      'capacity.append.one_partition_client_cpu_us': fig(125, 'µs'),
      'capacity.drain.one_partition': fig(1_000, 'ev/s'),
      'capacity.drain.all_partitions': fig(1_500, 'ev/s'),
      'capacity.drain.one_partition_worker_cpu_us': fig(400, 'µs'),
      'capacity.drain.one_partition_postgres_cpu_us': fig(250, 'µs'),
      'capacity.fanout.hub_per_s': fig(100_000, 'notices/s'),
      'capacity.fanout.sse_per_s': fig(20_000, 'notices/s'),
      'capacity.fanout.web_cpu_us': fig(40, 'µs'),
      'capacity.fanout.idle_web_cpu_us': fig(2, 'µs'),
      'capacity.read.command_web_cpu_us': fig(10_000, 'µs'),
      'capacity.read.board_web_cpu_us': fig(5_000, 'µs'),
      'capacity.read.board_postgres_cpu_us': fig(500, 'µs'),
    };
    expect(capacitySummary(figures)).toEqual({
      ratios: {
        append_one_partition_vs_xadd: 0.5,
        append_all_vs_one_partition: 1.1,
        cluster_append_one_partition_vs_xadd: 0.5,
        cluster_append_all_vs_one_partition: 1.5,
        cluster_vs_single_one_partition: 0.75,
        drain_all_vs_one_partition: 1.5,
        fanout_sse_vs_hub: 0.2,
      },
      per_core: {
        redis_appends_per_s: 50_000,
        redis_xadds_per_s: 100_000,
        client_appends_per_s: 8_000,
        worker_events_per_s: 2_500,
        postgres_events_per_s: 4_000,
        web_deliveries_per_s: 25_000,
        web_idle_subscribers: 500_000,
        web_commands_per_s: 100,
        web_board_reads_per_s: 200,
        postgres_board_reads_per_s: 2_000,
      },
    });
  });

  it('leaves a ratio or a ceiling out when its baseline or CPU time is 0 (too short a run to count a clock tick)', () => {
    const summary = capacitySummary({ 'capacity.append.one_partition': fig(4_000, 'ops/s'), 'capacity.append.xadd': fig(0, 'ops/s'), 'capacity.append.one_partition_redis_cpu_us': fig(0, 'µs') });
    expect(summary.ratios.append_one_partition_vs_xadd).toBeNull();
    expect(summary.per_core.redis_appends_per_s).toBeNull();
  });
});
