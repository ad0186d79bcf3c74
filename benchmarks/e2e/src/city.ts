/** Where drivers wait and riders are picked up: places around one city point. */
export interface Point {
  readonly lat: number;
  readonly lng: number;
}

const METRES_PER_DEGREE = 111_320;

/** A random point within `radiusM` metres of `origin` (uniform over the disc). */
export function pointNear(origin: Point, radiusM: number): Point {
  const distanceM = radiusM * Math.sqrt(Math.random());
  const bearing = Math.random() * 2 * Math.PI;
  return {
    lat: origin.lat + (distanceM * Math.cos(bearing)) / METRES_PER_DEGREE,
    lng: origin.lng + (distanceM * Math.sin(bearing)) / (METRES_PER_DEGREE * Math.cos((origin.lat * Math.PI) / 180)),
  };
}
