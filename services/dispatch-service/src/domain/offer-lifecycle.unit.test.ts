import { describe, expect, it } from 'vitest';
import { DriverRegistry } from './driver-registry.ts';
import { METERS_PER_DEGREE } from './geo.ts';
import {
  onBookingAccepted,
  onBookingCancelled,
  onBookingExpired,
  onOfferWindowElapsed,
  startOffers,
  type BookingOffers,
  type OfferDecision,
  type OfferPolicy,
} from './offer-lifecycle.ts';

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

const offered = (decisions: readonly OfferDecision[]) => decisions.filter((d) => d.type === 'Offer').map((d) => d.driverId);
const revoked = (decisions: readonly OfferDecision[]) =>
  decisions.flatMap((d) => (d.type === 'Revoke' ? [`${d.driverId}:${d.reason}`] : []));

/** A booking offered in two rounds: a, b in the first; c, d in the second. */
function twoRounds(): { state: BookingOffers; registry: DriverRegistry } {
  const registry = driversAt({ a: 100, b: 200, c: 300, d: 400, e: 9000 });
  const first = startOffers(booking, registry, NOW, policy);
  const second = onOfferWindowElapsed(first.state, registry, NOW + 15_000, policy);
  return { state: second.state, registry };
}

describe('offer rounds', () => {
  it('the first round offers the nearest N at once and schedules the next', () => {
    const { state, decisions } = startOffers(booking, driversAt({ a: 100, b: 200, c: 300 }), NOW, policy);
    expect(decisions).toEqual([
      { type: 'Offer', bookingId: 'b1', driverId: 'a', distanceM: expect.closeTo(100, 3), round: 1 },
      { type: 'Offer', bookingId: 'b1', driverId: 'b', distanceM: expect.closeTo(200, 3), round: 1 },
    ]);
    expect(state.nextRoundAtMs).toBe(NOW + 15_000);
  });

  it('the next round offers the next ring, never a driver offered before', () => {
    const registry = driversAt({ a: 100, b: 200, c: 300, d: 400, e: 500 });
    const first = startOffers(booking, registry, NOW, policy);
    const second = onOfferWindowElapsed(first.state, registry, NOW + 15_000, policy);
    expect(offered(second.decisions)).toEqual(['c', 'd']);
    expect(second.decisions.every((d) => d.type === 'Offer' && d.round === 2)).toBe(true);
    expect(second.state.offeredDriverIds).toEqual(['a', 'b', 'c', 'd']);
  });

  it('widens when the drivers within 5 km have all been offered', () => {
    const registry = driversAt({ a: 100, far: 8000 });
    const first = startOffers(booking, registry, NOW, policy);
    const second = onOfferWindowElapsed(first.state, registry, NOW + 15_000, policy);
    expect(offered(second.decisions)).toEqual(['far']);
    expect(second.state.rounds[1]?.radiusM).toBe(10_000);
  });

  it('a window that has not elapsed yet starts nothing', () => {
    const registry = driversAt({ a: 100, b: 200, c: 300 });
    const first = startOffers(booking, registry, NOW, policy);
    expect(onOfferWindowElapsed(first.state, registry, NOW + 14_999, policy)).toEqual({ state: first.state, decisions: [] });
  });

  it('a round that finds nobody is recorded, and the next one tries again', () => {
    const registry = new DriverRegistry();
    const first = startOffers(booking, registry, NOW, policy);
    expect(first.decisions).toEqual([]);
    expect(first.state.rounds).toEqual([{ round: 1, startedAtMs: NOW, radiusM: null, drivers: [] }]);
    driversAt({ late: 100 }, NOW + 10_000, registry);
    expect(offered(onOfferWindowElapsed(first.state, registry, NOW + 15_000, policy).decisions)).toEqual(['late']);
  });

  it('stops after maxRounds, and before the booking expires', () => {
    const registry = driversAt({ a: 100, b: 200, c: 300, d: 400 });
    expect(startOffers(booking, registry, NOW, { ...policy, maxRounds: 1 }).state.nextRoundAtMs).toBeNull();
    const started = startOffers({ ...booking, expiresAtMs: NOW + 20_000 }, registry, NOW, policy);
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
    expect(offered(startOffers(booking, registry, NOW, policy).decisions)).toEqual(['c']);
  });
});

describe('closing the offers', () => {
  it('on accept, revokes every offer but the accepting driver’s', () => {
    const { state } = twoRounds();
    const { state: closed, decisions } = onBookingAccepted(state, 'c');
    expect(revoked(decisions)).toEqual(['a:accepted', 'b:accepted', 'd:accepted']);
    expect(closed).toMatchObject({ status: 'accepted', acceptedBy: 'c', nextRoundAtMs: null });
  });

  it('on accept by a driver never offered, revokes everyone offered', () => {
    const { state } = twoRounds();
    expect(revoked(onBookingAccepted(state, 'stranger').decisions)).toEqual(['a:accepted', 'b:accepted', 'c:accepted', 'd:accepted']);
  });

  it('on cancel, revokes every offer', () => {
    const { state } = twoRounds();
    const { state: closed, decisions } = onBookingCancelled(state);
    expect(revoked(decisions)).toEqual(['a:cancelled', 'b:cancelled', 'c:cancelled', 'd:cancelled']);
    expect(closed.status).toBe('cancelled');
  });

  it('on expiry, revokes every offer', () => {
    const { state } = twoRounds();
    expect(revoked(onBookingExpired(state).decisions)).toEqual(['a:expired', 'b:expired', 'c:expired', 'd:expired']);
  });

  it('once closed, ignores everything: no second revocation, no new round', () => {
    const { state, registry } = twoRounds();
    const closed = onBookingAccepted(state, 'a').state;
    expect(onBookingAccepted(closed, 'a').decisions).toEqual([]);
    expect(onBookingCancelled(closed).decisions).toEqual([]);
    expect(onBookingExpired(closed).decisions).toEqual([]);
    expect(onOfferWindowElapsed(closed, registry, NOW + 60_000, policy).decisions).toEqual([]);
    expect(onBookingCancelled(closed).state).toBe(closed);
  });
});
