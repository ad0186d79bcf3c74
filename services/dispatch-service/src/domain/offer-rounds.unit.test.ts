import { describe, expect, it } from 'vitest';
import { DriverRegistry } from './driver-registry.ts';
import { METERS_PER_DEGREE } from './geo.ts';
import { onOfferWindowElapsed, type BookingToOffer, type OfferDecision, type OfferPolicy, type OpenBookingRounds } from './offer-rounds.ts';

const NOW = 1_800_000_000_000;
const booking = { bookingId: 'b1', pickup: { lat: 12.97, lng: 77.59 } };
const policy: OfferPolicy = { maxDriversPerRound: 2, offerWindowMs: 15_000 };

/** Drivers due north of the pickup at the given distances (m), pinging at `atMs`. */
function driversAt(distances: Record<string, number>, atMs = NOW, registry = new DriverRegistry()): DriverRegistry {
  for (const [driverId, metres] of Object.entries(distances)) {
    registry.apply({ type: 'LocationReported', driverId, lat: booking.pickup.lat + metres / METERS_PER_DEGREE, lng: booking.pickup.lng, atMs });
    registry.apply({ type: 'AvailabilityReported', driverId, available: true, atMs });
  }
  return registry;
}

/** The first round of a booking requested now: no round yet, the first one due at once. */
function firstRound(toOffer: BookingToOffer, finder: DriverRegistry, nowMs: number, roundPolicy: OfferPolicy) {
  const requested: OpenBookingRounds = { booking: toOffer, rounds: [], offeredDriverIds: [], nextRoundAtMs: nowMs };
  return onOfferWindowElapsed(requested, finder, nowMs, roundPolicy);
}

const offered = (decisions: readonly OfferDecision[]) => decisions.filter((d) => d.type === 'Offer').map((d) => d.driverId);

describe('offer rounds', () => {
  it('the first round offers the nearest N at once and schedules the next', () => {
    const { state, decisions } = firstRound(booking, driversAt({ a: 100, b: 200, c: 300 }), NOW, policy);
    expect(decisions).toEqual([
      { type: 'Offer', bookingId: 'b1', driverId: 'a', distanceM: expect.closeTo(100, 3), round: 1 },
      { type: 'Offer', bookingId: 'b1', driverId: 'b', distanceM: expect.closeTo(200, 3), round: 1 },
    ]);
    expect(state.nextRoundAtMs).toBe(NOW + 15_000);
  });

  it('the next round offers the next ring, never a driver offered before', () => {
    const registry = driversAt({ a: 100, b: 200, c: 300, d: 400, e: 500 });
    const first = firstRound(booking, registry, NOW, policy);
    const second = onOfferWindowElapsed(first.state, registry, NOW + 15_000, policy);
    expect(offered(second.decisions)).toEqual(['c', 'd']);
    expect(second.decisions.every((d) => d.type === 'Offer' && d.round === 2)).toBe(true);
    expect(second.state.offeredDriverIds).toEqual(['a', 'b', 'c', 'd']);
  });

  it('widens when the drivers within 5 km have all been offered', () => {
    const registry = driversAt({ a: 100, far: 8000 });
    const first = firstRound(booking, registry, NOW, policy);
    const second = onOfferWindowElapsed(first.state, registry, NOW + 15_000, policy);
    expect(offered(second.decisions)).toEqual(['far']);
    expect(second.state.rounds[1]?.radiusM).toBe(10_000);
  });

  it('a window that has not elapsed yet starts nothing', () => {
    const registry = driversAt({ a: 100, b: 200, c: 300 });
    const first = firstRound(booking, registry, NOW, policy);
    expect(onOfferWindowElapsed(first.state, registry, NOW + 14_999, policy)).toEqual({ state: first.state, decisions: [] });
  });

  it('a round that finds nobody is recorded, and the next one tries again', () => {
    const registry = new DriverRegistry();
    const first = firstRound(booking, registry, NOW, policy);
    expect(first.decisions).toEqual([]);
    expect(first.state.rounds).toEqual([{ round: 1, startedAtMs: NOW, radiusM: null, drivers: [] }]);
    driversAt({ late: 100 }, NOW + 10_000, registry);
    expect(offered(onOfferWindowElapsed(first.state, registry, NOW + 15_000, policy).decisions)).toEqual(['late']);
  });

  it('stops before the booking expires', () => {
    const registry = driversAt({ a: 100, b: 200, c: 300, d: 400 });
    const started = firstRound({ ...booking, expiresAtMs: NOW + 20_000 }, registry, NOW, policy);
    const second = onOfferWindowElapsed(started.state, registry, NOW + 15_000, policy);
    expect(offered(second.decisions)).toEqual(['c', 'd']);
    expect(second.state.nextRoundAtMs).toBeNull(); // a third would start after expires_at
    const late = { ...started.state, nextRoundAtMs: NOW + 20_000 };
    expect(onOfferWindowElapsed(late, registry, NOW + 20_000, policy).decisions).toEqual([]);
  });

  it('a stale or busy driver is not offered', () => {
    const registry = driversAt({ a: 100 }, NOW - 61_000);
    driversAt({ b: 200 }, NOW, registry);
    registry.apply({ type: 'TripAssigned', driverId: 'b', bookingId: 'other' });
    driversAt({ c: 300 }, NOW, registry);
    expect(offered(firstRound(booking, registry, NOW, policy).decisions)).toEqual(['c']);
  });
});
