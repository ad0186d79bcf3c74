import { describe, expect, it } from 'vitest';
import { DriverRegistry } from './driver-registry.ts';
import { METERS_PER_DEGREE } from './geo.ts';
import { planOfferRound, searchRadii } from './matching.ts';

const NOW = 1_800_000_000_000;
const booking = { bookingId: 'b1', pickup: { lat: 12.97, lng: 77.59 } };

/** Drivers due north of the pickup, at the given distances in metres, all available and fresh. */
function driversAt(distances: Record<string, number>, registry = new DriverRegistry()): DriverRegistry {
  for (const [driverId, metres] of Object.entries(distances)) {
    registry.apply({ type: 'LocationReported', driverId, lat: booking.pickup.lat + metres / METERS_PER_DEGREE, lng: booking.pickup.lng, atMs: NOW });
    registry.apply({ type: 'AvailabilityReported', driverId, available: true, atMs: NOW });
  }
  return registry;
}

const ids = (round: { drivers: readonly { driverId: string }[] }) => round.drivers.map((d) => d.driverId);

describe('planOfferRound', () => {
  it('offers the nearest drivers within 5 km, nearest first', () => {
    const round = planOfferRound(booking, driversAt({ far: 4900, near: 300, mid: 2000, out: 5100 }), NOW);
    expect(round.radiusM).toBe(5000);
    expect(ids(round)).toEqual(['near', 'mid', 'far']);
    expect(round.drivers[0]?.distanceM).toBeCloseTo(300, 3);
  });

  it('offers at most N drivers a round', () => {
    const round = planOfferRound(booking, driversAt({ a: 100, b: 200, c: 300, d: 400 }), NOW, { maxDriversPerRound: 2 });
    expect(ids(round)).toEqual(['a', 'b']);
  });

  it('widens to the next step only when nobody is within the first', () => {
    const registry = driversAt({ at7km: 7000, at9km: 9000, at15km: 15_000 });
    const round = planOfferRound(booking, registry, NOW);
    expect(round.radiusM).toBe(10_000);
    expect(ids(round)).toEqual(['at7km', 'at9km']); // not the one at 15 km, though N allows it
  });

  it('widens as far as the last step, then finds nobody', () => {
    expect(planOfferRound(booking, driversAt({ at18km: 18_000 }), NOW)).toMatchObject({ radiusM: 20_000 });
    expect(planOfferRound(booking, driversAt({ at25km: 25_000 }), NOW)).toEqual({ radiusM: null, drivers: [] });
  });

  it('takes its radii from the options', () => {
    expect(searchRadii()).toEqual([5000, 10_000, 20_000]);
    expect(searchRadii({ radiusM: 3000, widenStepsM: [8000, 1000, 8000] })).toEqual([3000, 8000]);
    const round = planOfferRound(booking, driversAt({ a: 2500 }), NOW, { radiusM: 1000, widenStepsM: [3000] });
    expect(round.radiusM).toBe(3000);
  });

  it('skips busy, unavailable and stale drivers, and the excluded', () => {
    const registry = driversAt({ busy: 100, off: 200, excluded: 400, free: 500 });
    registry.apply({ type: 'TripAssigned', driverId: 'busy', bookingId: 'other' });
    registry.apply({ type: 'AvailabilityReported', driverId: 'off', available: false, atMs: NOW + 1 });
    registry.apply({ type: 'AvailabilityReported', driverId: 'stale', available: true, atMs: NOW });
    registry.apply({ type: 'LocationReported', driverId: 'stale', lat: 12.971, lng: 77.59, atMs: NOW - 61_000 });
    registry.apply({ type: 'AvailabilityReported', driverId: 'minuteOld', available: true, atMs: NOW });
    registry.apply({ type: 'LocationReported', driverId: 'minuteOld', lat: 12.972, lng: 77.59, atMs: NOW - 60_000 });
    const round = planOfferRound(booking, registry, NOW, { excludeDriverIds: ['excluded'] });
    expect(ids(round)).toEqual(['minuteOld', 'free']);
  });

  it('refuses a meaningless N', () => {
    expect(() => planOfferRound(booking, driversAt({}), NOW, { maxDriversPerRound: 0 })).toThrow(RangeError);
  });
});
