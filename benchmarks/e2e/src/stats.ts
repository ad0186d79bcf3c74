/** Percentiles of one phase's samples, and medians across runs. */
export interface Distribution {
  readonly n: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** Nearest rank: the smallest sample with at least p% of the samples at or below it (NaN if none). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function distribution(samples: readonly number[]): Distribution {
  const sorted = [...samples].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN };
}

/** The median (the mean of the middle two for an even count), ignoring NaN. */
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
