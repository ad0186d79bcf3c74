/** Random places in a round city, for pickups, dropoffs and drivers. */
export interface Point {
  readonly lat: number;
  readonly lng: number;
}

export function randomPoint(center: Point, radiusKm: number): Point {
  const distanceKm = radiusKm * Math.sqrt(Math.random());
  const bearing = Math.random() * 2 * Math.PI;
  const dLat = (distanceKm / 111.32) * Math.cos(bearing);
  const dLng = (distanceKm / (111.32 * Math.cos((center.lat * Math.PI) / 180))) * Math.sin(bearing);
  return { lat: center.lat + dLat, lng: center.lng + dLng };
}

/** A small move, as a driver makes between two location reports. */
export const drift = (point: Point): Point => ({
  lat: point.lat + (Math.random() - 0.5) * 0.002,
  lng: point.lng + (Math.random() - 0.5) * 0.002,
});

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const between = (min: number, max: number) => min + Math.random() * (max - min);
