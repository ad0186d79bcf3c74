import { describe, expect, it } from 'vitest';
import { COARSE_CELL_SIZE_M, coarsePosition } from './coarse-position.ts';
import { DriverRegistry } from './driver-registry.ts';
import { distanceM, METERS_PER_DEGREE, type LatLng } from './geo.ts';
import { seededRandom } from './seeded-random.ts';

const NOW = 1_800_000_000_000;
const offset = (from: LatLng, northM: number, eastM: number): LatLng => ({
  lat: from.lat + northM / METERS_PER_DEGREE,
  lng: from.lng + eastM / (METERS_PER_DEGREE * Math.cos((from.lat * Math.PI) / 180)),
});

/** A registry holding one available driver at `at`. */
function withDriver(driverId: string, at: LatLng): DriverRegistry {
  const registry = new DriverRegistry();
  registry.apply({ type: 'LocationReported', driverId, ...at, atMs: NOW });
  registry.apply({ type: 'AvailabilityReported', driverId, available: true, atMs: NOW });
  return registry;
}

describe('coarsePosition', () => {
  it('gives every point of a cell the same centre, at most half a cell diagonal away', () => {
    const random = seededRandom(7);
    for (const base of [
      { lat: 12.97, lng: 77.59 },
      { lat: 59.33, lng: 18.06 },
      { lat: -33.87, lng: 151.21 },
      { lat: 0.0001, lng: 179.9999 },
    ]) {
      for (let i = 0; i < 2_000; i++) {
        const point = offset(base, (random() - 0.5) * 2_000, (random() - 0.5) * 2_000);
        const centre = coarsePosition(point.lat, point.lng);
        expect(coarsePosition(centre.lat, centre.lng)).toEqual(centre);
        expect(distanceM(point, centre)).toBeLessThanOrEqual((COARSE_CELL_SIZE_M / 2) * Math.SQRT2 + 1);
      }
    }
  });

  it('cells are about 200 m: neighbouring centres are 150-210 m apart', () => {
    const centre = coarsePosition(12.97, 77.59);
    const northern = coarsePosition(...(Object.values(offset(centre, 200, 0)) as [number, number]));
    const eastern = coarsePosition(...(Object.values(offset(centre, 0, 200)) as [number, number]));
    expect(distanceM(centre, northern)).toBeGreaterThan(150);
    expect(distanceM(centre, northern)).toBeLessThan(210);
    expect(distanceM(centre, eastern)).toBeGreaterThan(150);
    expect(distanceM(centre, eastern)).toBeLessThan(210);
  });
});

describe('DriverRegistry.nearestCoarse', () => {
  it('answers the same for any two positions in one cell: membership at the radius edge, distances, order', () => {
    const random = seededRandom(11);
    const base = coarsePosition(12.97, 77.59);
    for (let trial = 0; trial < 200; trial++) {
      const a = offset(base, (random() - 0.5) * 190, (random() - 0.5) * 190);
      const b = offset(base, (random() - 0.5) * 190, (random() - 0.5) * 190);
      expect(coarsePosition(a.lat, a.lng)).toEqual(coarsePosition(b.lat, b.lng));
      const [atA, atB] = [withDriver('d', a), withDriver('d', b)];
      const query = offset(base, (random() - 0.5) * 4_000, (random() - 0.5) * 4_000);
      // Radii right at the edge of the exact and the coarse distances: where an exact filter leaks.
      const exact = distanceM(query, a);
      const coarse = distanceM(query, base);
      for (const radiusM of [exact - 0.01, exact + 0.01, coarse - 0.01, coarse + 0.01, 5_000]) {
        if (radiusM <= 0) continue;
        const q = { radiusM, limit: 5 };
        expect(atA.nearestCoarse(query.lat, query.lng, NOW, q)).toEqual(atB.nearestCoarse(query.lat, query.lng, NOW, q));
      }
    }
  });

  it('orders by the cell centres, not by the exact positions, and ranks one cell by driver id', () => {
    const centre = coarsePosition(12.97, 77.59);
    const registry = new DriverRegistry();
    const place = (driverId: string, at: LatLng) => {
      registry.apply({ type: 'LocationReported', driverId, ...at, atMs: NOW });
      registry.apply({ type: 'AvailabilityReported', driverId, available: true, atMs: NOW });
    };
    const query = offset(centre, 0, 0);
    place('z-far-in-the-centre-cell', offset(centre, 90, 90)); // ~127 m away, but its cell centre is 0 m
    place('a-near-in-the-next-cell', offset(centre, 0, 110)); // ~110 m away, in the cell to the east
    place('b-also-in-the-centre-cell', offset(centre, -20, 10));
    const answer = registry.nearestCoarse(query.lat, query.lng, NOW, { radiusM: 1_000, limit: 10 });
    expect(answer.map((d) => d.driverId)).toEqual(['b-also-in-the-centre-cell', 'z-far-in-the-centre-cell', 'a-near-in-the-next-cell']);
    expect(answer[0]!.distanceM).toBeCloseTo(0, 6);
    // Matching still sees the exact positions.
    expect(registry.nearestEligible(query.lat, query.lng, NOW, { radiusM: 1_000, limit: 10 }).map((d) => d.driverId)).toEqual([
      'b-also-in-the-centre-cell',
      'a-near-in-the-next-cell',
      'z-far-in-the-centre-cell',
    ]);
  });

  it('drops drivers that are stale, unavailable or on a trip, like matching', () => {
    const at = { lat: 12.97, lng: 77.59 };
    const registry = withDriver('d', at);
    const q = { radiusM: 1_000, limit: 5 };
    expect(registry.nearestCoarse(at.lat, at.lng, NOW, q)).toHaveLength(1);
    expect(registry.nearestCoarse(at.lat, at.lng, NOW + registry.stalenessMs + 1, q)).toEqual([]);
    registry.apply({ type: 'TripAssigned', driverId: 'd', bookingId: 'b' });
    expect(registry.nearestCoarse(at.lat, at.lng, NOW, q)).toEqual([]);
    registry.apply({ type: 'TripEnded', driverId: 'd', bookingId: 'b' });
    registry.apply({ type: 'AvailabilityReported', driverId: 'd', available: false, atMs: NOW + 1 });
    expect(registry.nearestCoarse(at.lat, at.lng, NOW, q)).toEqual([]);
    registry.apply({ type: 'AvailabilityReported', driverId: 'd', available: true, atMs: NOW + 2 });
    registry.evictStale(NOW + registry.stalenessMs + 1);
    expect(registry.indexedCount).toBe(0);
    expect(registry.nearestCoarse(at.lat, at.lng, NOW, q)).toEqual([]);
  });
});
