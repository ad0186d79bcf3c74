/**
 * Spherical-earth geometry shared by the geo index, the matching and the tests. Distances are
 * great-circle (haversine) distances on a sphere of the mean earth radius; at city scale the
 * error against the ellipsoid is under 0.5 %, far below the error of a phone's GPS fix.
 */
export interface LatLng {
  readonly lat: number;
  readonly lng: number;
}

export const EARTH_RADIUS_M = 6_371_008.8; // mean radius (IUGG), the same as the fare's
export const METERS_PER_DEGREE = (EARTH_RADIUS_M * Math.PI) / 180;
export const DEG = Math.PI / 180;

/** Throws unless `lat` is in [-90, 90] and `lng` in [-180, 180]; the edge validates, this guards. */
export function assertLatLng(lat: number, lng: number): void {
  if (!(lat >= -90 && lat <= 90)) throw new RangeError(`latitude out of range: ${lat}`);
  if (!(lng >= -180 && lng <= 180)) throw new RangeError(`longitude out of range: ${lng}`);
}

/**
 * The haversine term h = sin²(Δφ/2) + cos φ1 cos φ2 sin²(Δλ/2), from radians and the two cosines.
 * It grows with the distance (d = 2R·asin √h), so candidates are ranked by h and only the
 * results pay for the asin.
 */
function haversineTerm(lat1: number, lng1: number, cosLat1: number, lat2: number, lng2: number, cosLat2: number): number {
  const sLat = Math.sin((lat2 - lat1) / 2);
  const sLng = Math.sin((lng2 - lng1) / 2);
  return sLat * sLat + cosLat1 * cosLat2 * sLng * sLng;
}

export const termToMeters = (h: number): number => 2 * EARTH_RADIUS_M * Math.asin(Math.sqrt(Math.min(1, h)));

export function metersToTerm(meters: number): number {
  if (meters >= Math.PI * EARTH_RADIUS_M) return 1;
  const s = Math.sin(meters / (2 * EARTH_RADIUS_M));
  return s * s;
}

/** Great-circle distance in metres between two points given in degrees. */
export function distanceM(a: LatLng, b: LatLng): number {
  const lat1 = a.lat * DEG;
  const lat2 = b.lat * DEG;
  return termToMeters(haversineTerm(lat1, a.lng * DEG, Math.cos(lat1), lat2, b.lng * DEG, Math.cos(lat2)));
}
