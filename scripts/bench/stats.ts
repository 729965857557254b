/** Percentiles of the app scenarios' latencies, computed the same way everywhere. */

/** Nearest-rank percentile `p` (0–100) of ascending `sorted`; 0 when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}
