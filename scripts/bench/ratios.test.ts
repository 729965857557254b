/** The bench's derived results: ratios from figures (with the rebuild's fallback baseline), targets met or missed, the live and memory summaries. */
import { describe, expect, it } from 'vitest';
import type { Figures, Unit } from './contract';
import { assessTargets, computeRatios, summaries } from './ratios';

const fig = (value: number, unit: Unit = 'ev/s') => ({ value, unit, label: 'x' });

describe('computeRatios', () => {
  it('is null for every ratio whose figures did not run', () => {
    expect(computeRatios({})).toEqual({
      command_vs_crud: null,
      command_vs_noop: null,
      append_vs_xadd: null,
      drain_vs_raw: null,
      rebuild_vs_raw: null,
      sustained_vs_noop: null,
    });
  });

  it('divides each subject by its baseline', () => {
    const figures: Figures = {
      'http.command.rps': fig(600, 'req/s'),
      'http.crud.rps': fig(800, 'req/s'),
      'http.noop.rps': fig(1_200, 'req/s'),
      'append.xadd': fig(4_000, 'ops/s'),
      'append.append_events': fig(2_000, 'ops/s'),
      'drain.raw_multi_row': fig(30_000),
      'drain.real_set': fig(6_000),
      'rebuild.board': fig(15_000),
      'live.sustained_per_s': fig(900, 'mutations/s'),
    };
    expect(computeRatios(figures)).toEqual({
      command_vs_crud: 0.75,
      command_vs_noop: 0.5,
      append_vs_xadd: 0.5,
      drain_vs_raw: 0.2,
      rebuild_vs_raw: 0.5,
      sustained_vs_noop: 0.75,
    });
  });

  it("counts the rebuild against the drain's baseline, and against its own only when the drain did not run", () => {
    const own = { 'rebuild.board': fig(10_000), 'rebuild.raw_multi_row': fig(40_000) };
    expect(computeRatios(own).rebuild_vs_raw).toBe(0.25);
    expect(computeRatios({ ...own, 'drain.raw_multi_row': fig(20_000) }).rebuild_vs_raw).toBe(0.5);
  });

  it('gives no ratio over a baseline of zero or a value that is not finite', () => {
    expect(computeRatios({ 'append.xadd': fig(0), 'append.append_events': fig(10) }).append_vs_xadd).toBeNull();
    expect(computeRatios({ 'append.xadd': fig(10), 'append.append_events': fig(Number.NaN) }).append_vs_xadd).toBeNull();
  });
});

describe('assessTargets', () => {
  it('flags each measured target met or missed, in both directions', () => {
    const results = assessTargets({
      'append.xadd': fig(4_000, 'ops/s'),
      'append.append_events': fig(1_000, 'ops/s'),
      'live.p99_ms': fig(40, 'ms'),
      'live.missed': fig(2, 'count'),
    });
    expect(results).toEqual([
      { name: 'append_vs_xadd', value: 0.25, target: '>= 0.5', met: false },
      { name: 'live.p99_ms', value: 40, target: '<= 50', met: true },
      { name: 'live.missed', value: 2, target: '<= 0', met: false },
    ]);
  });
});

describe('summaries', () => {
  it('fills live and memory from their figures, null when not measured', () => {
    expect(summaries({ 'live.p50_ms': fig(3, 'ms'), 'memory.worker_peak_mb': fig(120, 'MB') })).toEqual({
      live: { p50_ms: 3, p99_ms: null, missed: null, sustained_per_s: null },
      memory: { web_peak_mb: null, worker_peak_mb: 120 },
    });
  });
});
