/**
 * Commit → Kafka during a phase, from booking-service's histograms: per event
 * (`rideline_outbox_row_wait_seconds`, each outbox row from its transaction to the broker's
 * acknowledgement) and per batch (`rideline_outbox_wait_seconds`, its oldest row). Histograms give
 * bounds, not exact quantiles: the p99 is reported as the bucket bound it falls under.
 */

const METRICS = { perEvent: 'rideline_outbox_row_wait_seconds', perBatch: 'rideline_outbox_wait_seconds' } as const;
type Measure = keyof typeof METRICS;

/** Running totals of one histogram: cumulative counts by bucket bound (s; Infinity for +Inf). */
type Buckets = ReadonlyMap<number, number>;

export type OutboxWaitTotals = Readonly<Partial<Record<Measure, Buckets>>>;

/** A histogram's share of one phase: how many observations, and the bound its p99 is under. */
interface WaitBound {
  readonly count: number;
  /** The smallest bucket bound at or under which 99 % of the observations fell, ms (Infinity: the +Inf bucket). */
  readonly p99AtMostMs: number;
}

export type OutboxWait = Readonly<Partial<Record<Measure, WaitBound>>>;

/** The histograms booking-service answers on /metrics now; a checkout without one leaves it out. */
export async function readOutboxWait(bookingUrl: string): Promise<OutboxWaitTotals> {
  const response = await fetch(`${bookingUrl}/metrics`).catch(() => null);
  return response?.ok ? parseOutboxWait(await response.text()) : {};
}

export function parseOutboxWait(metrics: string): OutboxWaitTotals {
  const totals: Partial<Record<Measure, Map<number, number>>> = {};
  for (const line of metrics.split('\n')) {
    for (const measure of Object.keys(METRICS) as Measure[]) {
      const sample = new RegExp(`^${METRICS[measure]}_bucket\\{[^}]*le="([^"]+)"[^}]*\\} (\\S+)$`).exec(line);
      if (!sample) continue;
      const bound = sample[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(sample[1]);
      (totals[measure] ??= new Map()).set(bound, Number(sample[2]));
    }
  }
  return totals;
}

/** What was observed between two readings; a measure missing from either is left out. */
export function waitBetween(before: OutboxWaitTotals, after: OutboxWaitTotals): OutboxWait {
  const result: Partial<Record<Measure, WaitBound>> = {};
  for (const measure of Object.keys(METRICS) as Measure[]) {
    const [from, to] = [before[measure], after[measure]];
    if (!from || !to) continue;
    const bounds = [...to.keys()].sort((a, b) => a - b);
    const count = (to.get(Number.POSITIVE_INFINITY) ?? 0) - (from.get(Number.POSITIVE_INFINITY) ?? 0);
    if (count <= 0) continue;
    const bound = bounds.find((b) => (to.get(b) ?? 0) - (from.get(b) ?? 0) >= 0.99 * count) ?? Number.POSITIVE_INFINITY;
    result[measure] = { count, p99AtMostMs: bound * 1000 };
  }
  return result;
}
