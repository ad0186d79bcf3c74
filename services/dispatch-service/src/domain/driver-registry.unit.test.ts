import { describe, expect, it } from 'vitest';
import { DriverRegistry, type DriverFact } from './driver-registry.ts';

const NOW = 1_800_000_000_000;
const PICKUP = { lat: 12.97, lng: 77.59 };
const NEAR = { lat: 12.975, lng: 77.59 }; // ~556 m north of the pickup

const located = (driverId: string, atMs = NOW, at = NEAR): DriverFact => ({ type: 'LocationReported', driverId, ...at, atMs });
const available = (driverId: string, isAvailable = true, atMs = NOW): DriverFact => ({ type: 'AvailabilityReported', driverId, available: isAvailable, atMs });
const assigned = (driverId: string, bookingId: string): DriverFact => ({ type: 'TripAssigned', driverId, bookingId });
const ended = (driverId: string, bookingId: string): DriverFact => ({ type: 'TripEnded', driverId, bookingId });

function given(...facts: DriverFact[]): DriverRegistry {
  const registry = new DriverRegistry();
  for (const fact of facts) registry.apply(fact);
  return registry;
}

const nearbyIds = (registry: DriverRegistry, nowMs = NOW) =>
  registry.nearestEligible(PICKUP.lat, PICKUP.lng, nowMs, { radiusM: 5000, limit: 10 }).map((d) => d.driverId);

describe('DriverRegistry eligibility', () => {
  it('an available driver with a fresh location is eligible', () => {
    const registry = given(located('d1'), available('d1'));
    expect(registry.isEligible('d1', NOW)).toBe(true);
    expect(nearbyIds(registry)).toEqual(['d1']);
  });

  it('an unknown driver, or one that never reported a location or availability, is not', () => {
    expect(given().isEligible('d1', NOW)).toBe(false);
    expect(given(available('d1')).isEligible('d1', NOW)).toBe(false);
    expect(given(located('d1')).isEligible('d1', NOW)).toBe(false);
  });

  it('an unavailable driver is not, and is again once available', () => {
    const registry = given(located('d1'), available('d1'), available('d1', false, NOW + 1));
    expect(nearbyIds(registry)).toEqual([]);
    registry.apply(available('d1', true, NOW + 2));
    expect(nearbyIds(registry)).toEqual(['d1']);
  });

  it('a location 60 s old still counts; 61 s old does not', () => {
    const registry = given(located('d1', NOW - 60_000), available('d1'), located('d2', NOW - 61_000), available('d2'));
    expect(nearbyIds(registry)).toEqual(['d1']);
    expect(registry.isEligible('d2', NOW)).toBe(false);
  });

  it('staleness is configurable', () => {
    const registry = new DriverRegistry({ stalenessMs: 10_000 });
    for (const fact of [located('d1', NOW - 11_000), available('d1')]) registry.apply(fact);
    expect(registry.isEligible('d1', NOW)).toBe(false);
    expect(registry.isEligible('d1', NOW - 1000)).toBe(true);
  });

  it('a driver on a trip is busy until the trip ends', () => {
    const registry = given(located('d1'), available('d1'), assigned('d1', 'b1'));
    expect(nearbyIds(registry)).toEqual([]);
    registry.apply(ended('d1', 'b1'));
    expect(nearbyIds(registry)).toEqual(['d1']);
  });

  it('the end of an earlier trip read after the start of the next does not free the driver', () => {
    const registry = given(located('d1'), available('d1'), assigned('d1', 'b1'), assigned('d1', 'b2'), ended('d1', 'b1'));
    expect(registry.isEligible('d1', NOW)).toBe(false);
    expect(registry.get('d1')?.activeBookingIds).toEqual(['b2']);
  });

  it('excludes the drivers it is asked to', () => {
    const registry = given(located('d1'), available('d1'), located('d2', NOW, { lat: 12.98, lng: 77.59 }), available('d2'));
    expect(
      registry.nearestEligible(PICKUP.lat, PICKUP.lng, NOW, { radiusM: 5000, limit: 5, excludeDriverIds: new Set(['d1']) }).map((d) => d.driverId),
    ).toEqual(['d2']);
  });
});

describe('DriverRegistry folds', () => {
  it('an older location ping does not overwrite a newer one', () => {
    const registry = given(available('d1'), located('d1', NOW, NEAR));
    expect(registry.apply(located('d1', NOW - 5000, { lat: 40, lng: -70 }))).toBe(false);
    expect(registry.get('d1')?.location).toEqual({ ...NEAR, atMs: NOW });
    expect(nearbyIds(registry)).toEqual(['d1']);
  });

  it('an older availability report does not overwrite a newer one', () => {
    const registry = given(located('d1'), available('d1', false, NOW));
    expect(registry.apply(available('d1', true, NOW - 1))).toBe(false);
    expect(registry.isEligible('d1', NOW)).toBe(false);
  });

  it('folding the same facts twice changes nothing the second time', () => {
    const facts = [located('d1'), available('d1'), assigned('d1', 'b1'), ended('d1', 'b1')];
    const registry = given(...facts);
    expect(facts.map((fact) => registry.apply(fact))).toEqual([false, false, false, false]);
    expect(registry.get('d1')).toEqual({ driverId: 'd1', available: true, availableAtMs: NOW, location: { ...NEAR, atMs: NOW }, activeBookingIds: [] });
  });

  it('a moving driver is found where it is now', () => {
    const registry = given(available('d1'), located('d1', NOW - 2000, { lat: 13.5, lng: 78 }), located('d1', NOW));
    expect(nearbyIds(registry)).toEqual(['d1']);
  });

  it('refuses an impossible location without changing the driver', () => {
    const registry = given(available('d1'), located('d1'));
    expect(() => registry.apply(located('d1', NOW + 1, { lat: 95, lng: 0 }))).toThrow(RangeError);
    expect(registry.get('d1')?.location).toEqual({ ...NEAR, atMs: NOW });
  });

  it('evicts stale drivers from the index, and takes them back on their next ping', () => {
    const registry = given(available('d1'), located('d1', NOW - 61_000), available('d2'), located('d2', NOW));
    expect(registry.evictStale(NOW)).toBe(1);
    expect(registry.indexedCount).toBe(1);
    registry.apply(located('d1', NOW));
    expect(nearbyIds(registry).sort()).toEqual(['d1', 'd2']);
  });
});
