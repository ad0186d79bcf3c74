import type { NearbyQuery } from './driver-registry.ts';
import type { LatLng } from './geo.ts';
import type { NearbyDriver } from './geo-index.ts';

/** What matching needs of the driver state; DriverRegistry is one. */
export interface EligibleDriverFinder {
  nearestEligible(lat: number, lng: number, nowMs: number, query: NearbyQuery): NearbyDriver[];
}

export interface BookingToMatch {
  readonly bookingId: string;
  readonly pickup: LatLng;
}

export interface MatchingOptions {
  /** The first search radius (default 5 km, API.md). */
  readonly radiusM?: number;
  /** Wider radii tried in turn when nobody is found; those not above `radiusM` are ignored. */
  readonly widenStepsM?: readonly number[];
  readonly maxDriversPerRound?: number;
  /** Drivers never to pick, e.g. those already offered this booking. */
  readonly excludeDriverIds?: ReadonlySet<string> | readonly string[];
}

const DEFAULT_RADIUS_M = 5000;
const DEFAULT_WIDEN_STEPS_M: readonly number[] = [5000, 10_000, 20_000];
const DEFAULT_MAX_DRIVERS_PER_ROUND = 5;

export interface PlannedRound {
  /** The radius that found the drivers; null when nobody was found even at the widest. */
  readonly radiusM: number | null;
  /** Nearest first, at most `maxDriversPerRound`. */
  readonly drivers: readonly NearbyDriver[];
}

/** The radii tried, ascending: `radiusM`, then every wider step. */
export function searchRadii(options: MatchingOptions = {}): number[] {
  const first = options.radiusM ?? DEFAULT_RADIUS_M;
  const wider = (options.widenStepsM ?? DEFAULT_WIDEN_STEPS_M).filter((r) => r > first);
  return [first, ...new Set(wider)].sort((a, b) => a - b);
}

/**
 * The drivers to offer a booking to now: the nearest eligible ones within the first radius that
 * holds any, at most N. One query at the widest radius answers every step at once: the nearest N
 * within the widest radius, cut at the first step that holds the nearest of them, are exactly
 * the nearest N within that step.
 */
export function planOfferRound(booking: BookingToMatch, finder: EligibleDriverFinder, nowMs: number, options: MatchingOptions = {}): PlannedRound {
  const radii = searchRadii(options);
  const limit = options.maxDriversPerRound ?? DEFAULT_MAX_DRIVERS_PER_ROUND;
  if (!(Number.isInteger(limit) && limit >= 1)) throw new RangeError(`maxDriversPerRound must be a positive integer: ${limit}`);
  const widest = radii[radii.length - 1] ?? DEFAULT_RADIUS_M;
  const excluded = options.excludeDriverIds;
  const found = finder.nearestEligible(booking.pickup.lat, booking.pickup.lng, nowMs, {
    radiusM: widest,
    limit,
    ...(excluded === undefined ? {} : { excludeDriverIds: excluded instanceof Set ? excluded : new Set(excluded) }),
  });
  const nearest = found[0];
  if (nearest === undefined) return { radiusM: null, drivers: [] };
  const radiusM = radii.find((r) => nearest.distanceM <= r);
  // The index already kept to the widest radius; metres rounded at its very edge must not drop anyone.
  if (radiusM === undefined || radiusM === widest) return { radiusM: widest, drivers: found };
  return { radiusM, drivers: found.filter((d) => d.distanceM <= radiusM) };
}
