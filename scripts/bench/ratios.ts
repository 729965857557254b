/**
 * Everything the bench derives from its raw figures, in one place and pure:
 * the named ratios of issue 10 with their targets, the figures that carry a
 * target of their own, the display-only comparisons, and the `live` and
 * `memory` summaries of the JSON. Edit it when a scenario adds a figure that
 * a ratio or a target reads.
 */
import { CAPACITY_COMPARED_WITH } from './capacity-model';
import type { Figures } from './contract';

export const RATIO_NAMES = ['command_vs_crud', 'command_vs_noop', 'append_vs_xadd', 'drain_vs_raw', 'rebuild_vs_raw', 'sustained_vs_noop'] as const;
export type RatioName = (typeof RATIO_NAMES)[number];
export type Ratios = Record<RatioName, number | null>;

interface RatioDefinition {
  subject: string;
  /** The first of these figures present is the baseline. */
  baselines: ReadonlyArray<string>;
  /** Met when the ratio is at least this. */
  target: number;
}

export const RATIOS: Record<RatioName, RatioDefinition> = {
  command_vs_crud: { subject: 'http.command.rps', baselines: ['http.crud.rps'], target: 1.0 },
  command_vs_noop: { subject: 'http.command.rps', baselines: ['http.noop.rps'], target: 0.7 },
  append_vs_xadd: { subject: 'append.append_events', baselines: ['append.xadd'], target: 0.5 },
  drain_vs_raw: { subject: 'drain.real_set', baselines: ['drain.raw_multi_row'], target: 0.6 },
  // The drain's baseline of the same run; the rebuild measures its own only when the drain did not run.
  rebuild_vs_raw: { subject: 'rebuild.board', baselines: ['drain.raw_multi_row', 'rebuild.raw_multi_row'], target: 0.5 },
  sustained_vs_noop: { subject: 'live.sustained_per_s', baselines: ['http.noop.rps'], target: 0.6 },
};

/** Figures with a target of their own (met when within the bound). */
export const FIGURE_TARGETS: Record<string, { max?: number; min?: number }> = {
  'live.p99_ms': { max: 50 },
  'live.missed': { max: 0 },
  'live.sustained_per_s': { min: 1_000 },
  'memory.worker_peak_mb': { max: 200 },
  'memory.soak_growth_pct': { max: 10 },
};

/** Shown beside a figure in the table, without a target: how it compares with the baseline it was measured against. */
export const COMPARED_WITH: Record<string, string> = {
  'drain.raw_per_row': 'drain.raw_multi_row',
  'drain.simple': 'drain.raw_multi_row',
  'drain.archive': 'drain.raw_multi_row',
  ...CAPACITY_COMPARED_WITH,
};

const usable = (value: number | undefined): value is number => value !== undefined && Number.isFinite(value);

function valueOf(figures: Figures, key: string): number | null {
  const value = figures[key]?.value;
  return usable(value) ? value : null;
}

/** `subject / baseline`, or null when either is missing or the baseline is not positive. */
export function ratioOf(figures: Figures, subject: string, baselines: ReadonlyArray<string>): number | null {
  const top = valueOf(figures, subject);
  const baselineKey = baselines.find((key) => valueOf(figures, key) !== null);
  const bottom = baselineKey === undefined ? null : valueOf(figures, baselineKey);
  return top === null || bottom === null || bottom <= 0 ? null : top / bottom;
}

export function computeRatios(figures: Figures): Ratios {
  const of = (name: RatioName) => ratioOf(figures, RATIOS[name].subject, RATIOS[name].baselines);
  return {
    command_vs_crud: of('command_vs_crud'),
    command_vs_noop: of('command_vs_noop'),
    append_vs_xadd: of('append_vs_xadd'),
    drain_vs_raw: of('drain_vs_raw'),
    rebuild_vs_raw: of('rebuild_vs_raw'),
    sustained_vs_noop: of('sustained_vs_noop'),
  };
}

export interface TargetResult {
  /** A ratio name or a figure key. */
  name: string;
  value: number;
  target: string;
  met: boolean;
}

/** Every target whose figures were measured, met or missed. */
export function assessTargets(figures: Figures, ratios: Ratios = computeRatios(figures)): TargetResult[] {
  const results: TargetResult[] = [];
  for (const name of RATIO_NAMES) {
    const value = ratios[name];
    if (value !== null) results.push({ name, value, target: `>= ${RATIOS[name].target}`, met: value >= RATIOS[name].target });
  }
  for (const [key, bound] of Object.entries(FIGURE_TARGETS)) {
    const value = valueOf(figures, key);
    if (value === null) continue;
    const met = (bound.max === undefined || value <= bound.max) && (bound.min === undefined || value >= bound.min);
    results.push({ name: key, value, target: bound.max !== undefined ? `<= ${bound.max}` : `>= ${bound.min ?? 0}`, met });
  }
  return results;
}

/** The JSON's `live` and `memory` objects (null: not measured in this run). */
export function summaries(figures: Figures) {
  return {
    live: {
      p50_ms: valueOf(figures, 'live.p50_ms'),
      p99_ms: valueOf(figures, 'live.p99_ms'),
      missed: valueOf(figures, 'live.missed'),
      sustained_per_s: valueOf(figures, 'live.sustained_per_s'),
    },
    memory: {
      web_peak_mb: valueOf(figures, 'memory.web_peak_mb'),
      worker_peak_mb: valueOf(figures, 'memory.worker_peak_mb'),
    },
  };
}
