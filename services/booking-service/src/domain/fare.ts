/**
 * `estimated_cost` of a trip: the great-circle (haversine) distance between pickup and dropoff,
 * priced by a tariff. Straight-line distance underestimates road distance, so the tariff has a
 * detour factor (1.3 is the usual urban ratio of road to straight-line distance).
 */
export interface Tariff {
  /** Charged for every trip. */
  readonly baseFare: number;
  /** Per kilometre of estimated road distance. */
  readonly perKm: number;
  /** Road distance ≈ great-circle distance × this factor. */
  readonly detourFactor: number;
  /** No trip costs less than this. */
  readonly minimumFare: number;
}

export interface Point {
  readonly lat: number;
  readonly lng: number;
}

const EARTH_RADIUS_M = 6_371_008.8; // mean radius (IUGG)
const toRadians = (degrees: number) => (degrees * Math.PI) / 180;

export function greatCircleDistanceM(a: Point, b: Point): number {
  const dLat = toRadians(b.lat - a.lat);
  const dLng = toRadians(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(toRadians(a.lat)) * Math.cos(toRadians(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Rounded to cents, so the same trip always shows the same price. */
export function estimateFare(pickup: Point, dropoff: Point, tariff: Tariff): number {
  const roadKm = (greatCircleDistanceM(pickup, dropoff) / 1000) * tariff.detourFactor;
  const fare = Math.max(tariff.minimumFare, tariff.baseFare + roadKm * tariff.perKm);
  return Math.round(fare * 100) / 100;
}
