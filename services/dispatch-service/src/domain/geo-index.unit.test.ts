import { describe, expect, it } from 'vitest';
import { DEG, distanceM, EARTH_RADIUS_M, METERS_PER_DEGREE } from './geo.ts';
import { GeoIndex, type NearbyDriver } from './geo-index.ts';
import { seededRandom } from './seeded-random.ts';

interface Point {
  readonly id: string;
  readonly lat: number;
  readonly lng: number;
}

/** The reference: every point's distance, filtered and sorted the way the index promises. */
function linearScan(points: Iterable<Point>, lat: number, lng: number, radiusM: number, limit: number, isEligible?: (id: string) => boolean): NearbyDriver[] {
  const found: NearbyDriver[] = [];
  for (const p of points) {
    const d = distanceM({ lat, lng }, p);
    if (d <= radiusM && (isEligible === undefined || isEligible(p.id))) found.push({ driverId: p.id, distanceM: d });
  }
  found.sort((a, b) => a.distanceM - b.distanceM || (a.driverId < b.driverId ? -1 : 1));
  return found.slice(0, limit);
}

/** The point `distanceM` away from `from` on the initial bearing `bearing` (radians). */
function destination(from: { lat: number; lng: number }, bearing: number, distance: number): { lat: number; lng: number } {
  const delta = distance / EARTH_RADIUS_M;
  const phi1 = from.lat * DEG;
  const sinPhi2 = Math.sin(phi1) * Math.cos(delta) + Math.cos(phi1) * Math.sin(delta) * Math.cos(bearing);
  const phi2 = Math.asin(Math.max(-1, Math.min(1, sinPhi2)));
  const lambda2 = from.lng * DEG + Math.atan2(Math.sin(bearing) * Math.sin(delta) * Math.cos(phi1), Math.cos(delta) - Math.sin(phi1) * sinPhi2);
  const lng = ((((lambda2 / DEG + 180) % 360) + 360) % 360) - 180;
  return { lat: phi2 / DEG, lng };
}

function expectSameAnswer(actual: NearbyDriver[], expected: NearbyDriver[]): void {
  expect(actual.map((d) => d.driverId)).toEqual(expected.map((d) => d.driverId));
  for (const [i, d] of actual.entries()) expect(d.distanceM).toBeCloseTo(expected[i]?.distanceM ?? Number.NaN, 4);
}

/** Random points around a centre (spread in metres), random queries around it, index vs scan. */
function compareWithLinearScan(options: { seed: number; centre: Point; spreadM: number; points: number; queries: number; cellSizeM?: number }): number {
  const random = seededRandom(options.seed);
  const index = new GeoIndex({ cellSizeM: options.cellSizeM ?? 1000 });
  const points = new Map<string, Point>();
  // Uniform over the disc of radius `spreadM`, which may hold a pole or straddle ±180°.
  const around = () => destination(options.centre, random() * 2 * Math.PI, options.spreadM * Math.sqrt(random()));
  for (let i = 0; i < options.points; i++) {
    const p = { id: `d${i}`, ...around() };
    points.set(p.id, p);
    index.upsert(p.id, p.lat, p.lng, 0);
  }
  let nonEmpty = 0;
  for (let q = 0; q < options.queries; q++) {
    const at = around();
    const radiusM = random() * options.spreadM;
    const limit = 1 + Math.floor(random() * 12);
    const isEligible = q % 3 === 0 ? (id: string) => id.length % 2 === 0 : undefined;
    const expected = linearScan(points.values(), at.lat, at.lng, radiusM, limit, isEligible);
    if (expected.length > 0) nonEmpty++;
    expectSameAnswer(index.nearest(at.lat, at.lng, { radiusM, limit, isEligible }), expected);
  }
  return nonEmpty;
}

describe('GeoIndex.nearest matches a linear scan', () => {
  const cases = [
    { name: 'in a city', centre: { id: 'c', lat: 12.97, lng: 77.59 }, spreadM: 20_000 },
    { name: 'across the antimeridian', centre: { id: 'c', lat: -16.5, lng: 179.98 }, spreadM: 15_000 },
    { name: 'across the antimeridian, other side', centre: { id: 'c', lat: 65.7, lng: -179.99 }, spreadM: 30_000 },
    { name: 'at high latitude (Longyearbyen)', centre: { id: 'c', lat: 78.22, lng: 15.65 }, spreadM: 20_000 },
    { name: 'around the north pole', centre: { id: 'c', lat: 89.97, lng: 0 }, spreadM: 10_000 },
    { name: 'around the south pole', centre: { id: 'c', lat: -89.99, lng: 140 }, spreadM: 8_000 },
    { name: 'on the equator', centre: { id: 'c', lat: 0, lng: 0 }, spreadM: 25_000 },
  ];
  cases.forEach(({ name, centre, spreadM }, n) => {
    it(name, () => {
      const nonEmpty = compareWithLinearScan({ seed: 1000 + n, centre, spreadM, points: 2000, queries: 400 });
      expect(nonEmpty).toBeGreaterThan(300); // the comparison had something to compare
    });
  });

  it('with small cells (many empty cells and steps)', () => {
    compareWithLinearScan({ seed: 7, centre: { id: 'c', lat: 51.5, lng: -0.12 }, spreadM: 10_000, points: 500, queries: 200, cellSizeM: 100 });
  });

  it('with large cells (one cell holds everything)', () => {
    compareWithLinearScan({ seed: 8, centre: { id: 'c', lat: -33.9, lng: 151.2 }, spreadM: 5_000, points: 500, queries: 200, cellSizeM: 50_000 });
  });
});

describe('GeoIndex', () => {
  const index = () => new GeoIndex();

  it('finds only points within the radius, nearest first', () => {
    const geo = index();
    geo.upsert('near', 12.971, 77.59, 0); // ~111 m north
    geo.upsert('mid', 12.99, 77.59, 0); // ~2.2 km
    geo.upsert('far', 13.03, 77.59, 0); // ~6.7 km
    const found = geo.nearest(12.97, 77.59, { radiusM: 5000, limit: 10 });
    expect(found.map((d) => d.driverId)).toEqual(['near', 'mid']);
    expect(found[0]?.distanceM).toBeCloseTo(111.19, 1);
  });

  it('returns at most `limit` points', () => {
    const geo = index();
    for (let i = 0; i < 20; i++) geo.upsert(`d${i}`, 12.97 + i * 0.001, 77.59, 0);
    expect(geo.nearest(12.97, 77.59, { radiusM: 5000, limit: 3 }).map((d) => d.driverId)).toEqual(['d0', 'd1', 'd2']);
  });

  it('reads a fractional limit as its floor, and Infinity as everyone within the radius', () => {
    const geo = index();
    for (let i = 0; i < 5; i++) geo.upsert(`d${i}`, 12.97 + i * 0.001, 77.59, 0);
    expect(geo.nearest(12.97, 77.59, { radiusM: 5000, limit: 2.5 })).toHaveLength(2);
    expect(geo.nearest(12.97, 77.59, { radiusM: 5000, limit: Number.POSITIVE_INFINITY })).toHaveLength(5);
    expect(geo.nearest(12.97, 77.59, { radiusM: 5000, limit: 0 })).toEqual([]);
  });

  it('moves a point on upsert and forgets it on remove', () => {
    const geo = index();
    geo.upsert('d1', 12.97, 77.59, 1000);
    geo.upsert('d1', 13.5, 78.0, 2000); // moved ~70 km: a different cell
    expect(geo.nearest(12.97, 77.59, { radiusM: 5000, limit: 5 })).toEqual([]);
    expect(geo.nearest(13.5, 78.0, { radiusM: 10, limit: 5 }).map((d) => d.driverId)).toEqual(['d1']);
    expect(geo.size).toBe(1);
    expect(geo.remove('d1')).toBe(true);
    expect(geo.remove('d1')).toBe(false);
    expect(geo.nearest(13.5, 78.0, { radiusM: 10, limit: 5 })).toEqual([]);
    expect(geo.size).toBe(0);
  });

  it('keeps the newer position when an older ping arrives late', () => {
    const geo = index();
    geo.upsert('d1', 12.97, 77.59, 2000);
    expect(geo.upsert('d1', 13.5, 78.0, 1000)).toBe(false);
    expect(geo.nearest(12.97, 77.59, { radiusM: 10, limit: 1 }).map((d) => d.driverId)).toEqual(['d1']);
    expect(geo.updatedAtMs('d1')).toBe(2000);
  });

  it('reuses the slots of removed points', () => {
    const geo = index();
    for (let i = 0; i < 3000; i++) geo.upsert(`a${i}`, 10 + i * 1e-4, 20, 0);
    for (let i = 0; i < 3000; i++) geo.remove(`a${i}`);
    for (let i = 0; i < 3000; i++) geo.upsert(`b${i}`, 10 + i * 1e-4, 20, 0);
    expect(geo.size).toBe(3000);
    expect(geo.nearest(10, 20, { radiusM: 50, limit: 1 }).map((d) => d.driverId)).toEqual(['b0']);
  });

  it('sees neighbours across the antimeridian', () => {
    const geo = index();
    geo.upsert('east', 0, 179.999, 0);
    geo.upsert('west', 0, -179.999, 0);
    const found = geo.nearest(0, 180, { radiusM: 1000, limit: 5 });
    expect(found.map((d) => d.driverId).sort()).toEqual(['east', 'west']);
    for (const d of found) expect(d.distanceM).toBeCloseTo(111.2, 0);
  });

  it('sees points on the far side of a pole', () => {
    const geo = index();
    geo.upsert('across', 89.99, -170, 0);
    const [found] = geo.nearest(89.99, 10, { radiusM: 3000, limit: 1 });
    expect(found?.driverId).toBe('across');
    expect(found?.distanceM).toBeCloseTo(2 * 0.01 * METERS_PER_DEGREE, 0);
  });

  it('asks eligibility and skips the ineligible', () => {
    const geo = index();
    geo.upsert('busy', 12.97, 77.59, 0);
    geo.upsert('free', 12.98, 77.59, 0);
    expect(geo.nearest(12.97, 77.59, { radiusM: 5000, limit: 1, isEligible: (id) => id !== 'busy' }).map((d) => d.driverId)).toEqual(['free']);
  });

  it('skips points last placed before `minUpdatedAtMs`', () => {
    const geo = index();
    geo.upsert('old', 12.97, 77.59, 1000);
    geo.upsert('new', 12.98, 77.59, 2000);
    expect(geo.nearest(12.97, 77.59, { radiusM: 5000, limit: 5, minUpdatedAtMs: 1001 }).map((d) => d.driverId)).toEqual(['new']);
    expect(geo.nearest(12.97, 77.59, { radiusM: 5000, limit: 5, minUpdatedAtMs: 1000 }).map((d) => d.driverId)).toEqual(['old', 'new']);
  });

  it('refuses coordinates out of range', () => {
    expect(() => index().upsert('d', 91, 0, 0)).toThrow(RangeError);
    expect(() => index().upsert('d', 0, Number.NaN, 0)).toThrow(RangeError);
    expect(() => index().nearest(0, 181, { radiusM: 1, limit: 1 })).toThrow(RangeError);
  });
});
