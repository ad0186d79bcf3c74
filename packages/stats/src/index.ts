/**
 * The statistics of every benchmark report and of the demo, defined once so that their figures
 * can be compared: percentiles are nearest-rank (a sample that was measured, never an
 * interpolation between two).
 */

/**
 * Nearest rank: the smallest sample with at least `p`% of the samples at or below it, from
 * samples sorted in ascending order; NaN when there are none. `p` is a percentage (50, 99, 99.9).
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** `percentile` of samples in any order (sorts a copy). */
export function percentileOf(samples: readonly number[], p: number): number {
  return percentile(
    [...samples].sort((a, b) => a - b),
    p,
  );
}

/** Percentiles of one phase's samples. */
export interface Distribution {
  readonly n: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

export function distribution(samples: readonly number[]): Distribution {
  const sorted = [...samples].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN };
}

/** The median (the mean of the middle two for an even count), ignoring NaN: for medians across runs. */
export function median(values: readonly number[]): number {
  const sorted = values.filter((value) => !Number.isNaN(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Field by field median of several runs' distributions. */
export function medianDistribution(runs: readonly Distribution[]): Distribution {
  const of = (field: keyof Distribution) => median(runs.map((run) => run[field]));
  return { n: of('n'), p50: of('p50'), p90: of('p90'), p99: of('p99'), max: of('max') };
}
