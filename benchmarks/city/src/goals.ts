/** Issue 10's goals, measured here and never asserted in a test. */
export const GOALS = {
  offerP99Ms: 50,
  acceptToRiderP99Ms: 50,
  /** Whole-machine busy time per location update. */
  locationCpuMs: 0.2,
  /** Whole-machine busy time per whole ride (create, offer, accept, OTP, start, complete). */
  rideCpuMs: 6,
} as const;

/** What a phase with rides must show to count as holding the goals at its (N, R). */
export interface RidePoint {
  readonly rate: number;
  readonly achievedRate: number;
  readonly offerP99Ms: number;
  readonly acceptToRiderP99Ms: number;
  readonly lost: number;
  readonly noFreeRider: number;
}

/** The goals a point missed (empty: it held them). A point with no samples cannot hold them. */
export function missedGoals(point: RidePoint): string[] {
  const missed: string[] = [];
  if (!(point.offerP99Ms < GOALS.offerP99Ms)) missed.push(`offer p99 ≥ ${GOALS.offerP99Ms} ms`);
  if (!(point.acceptToRiderP99Ms < GOALS.acceptToRiderP99Ms)) missed.push(`accept → rider p99 ≥ ${GOALS.acceptToRiderP99Ms} ms`);
  if (point.lost > 0) missed.push('rides lost');
  // Fewer rides than asked is not steady load: the system (or the generator) fell behind.
  if (point.noFreeRider > 0 || point.achievedRate < 0.95 * point.rate) missed.push('rate not sustained');
  return missed;
}

/**
 * The next rate to try at one driver count, or undefined: halfway (to 0.1/s) between the highest
 * rate that held below the lowest one that did not, and that one. Nothing to refine when every
 * rate held (the largest steady rate is beyond the range asked) or the two are within 1/s.
 */
export function nextRateToTry(tried: readonly { readonly rate: number; readonly held: boolean }[]): number | undefined {
  const failed = tried.filter((t) => !t.held).map((t) => t.rate);
  if (failed.length === 0) return undefined;
  const lowestFailed = Math.min(...failed);
  const heldBelow = tried.filter((t) => t.held && t.rate < lowestFailed).map((t) => t.rate);
  const highestHeld = heldBelow.length ? Math.max(...heldBelow) : 0;
  if (lowestFailed - highestHeld < 1) return undefined;
  return Math.round(((highestHeld + lowestFailed) / 2) * 10) / 10;
}

/** The largest rate that held the goals with every lower rate tried holding too, or undefined. */
export function largestSteadyRate(tried: readonly { readonly rate: number; readonly held: boolean }[]): number | undefined {
  let largest: number | undefined;
  for (const t of [...tried].sort((a, b) => a.rate - b.rate)) {
    if (!t.held) break;
    largest = t.rate;
  }
  return largest;
}

/**
 * Busy CPU time per unit of work, in ms: `percentOfCore` (a process's or a group's CPU in % of
 * one core; for the machine, its % of all cores times the cores) over `windowS`, per `units`.
 */
export const cpuMsPer = (percentOfCore: number, windowS: number, units: number): number => ((percentOfCore / 100) * windowS * 1000) / units;

/**
 * CPU per ride at a rate: what the phase used beyond what the same drivers cost without rides
 * (the locations-only phase at the same N, as a rate per second), per ride completed.
 */
export const rideCpuMs = (percentOfCore: number, locationsOnlyPercent: number, windowS: number, rides: number): number =>
  (((percentOfCore - locationsOnlyPercent) / 100) * windowS * 1000) / rides;
