import { describe, expect, it } from 'vitest';
import { DriverRegistry } from './driver-registry.ts';
import { METERS_PER_DEGREE } from './geo.ts';
import { OfferLedger, type LedgerFact, type RequestedBooking } from './offer-ledger.ts';
import type { OfferDecision, OfferPolicy } from './offer-rounds.ts';

const NOW = 1_800_000_000_000;
const WINDOW = 15_000;
const policy: OfferPolicy = { maxDriversPerRound: 2, offerWindowMs: WINDOW, radiusM: 5000, widenStepsM: [10_000, 20_000] };
const place = (lat: number, lng: number) => ({ lat, lng, address: 'somewhere' });
const booking: RequestedBooking = {
  bookingId: 'b1',
  pickup: place(12.97, 77.59),
  dropoff: place(12.93, 77.62),
  estimatedCost: 120,
  requestedAtMs: NOW,
  expiresAtMs: NOW + 120_000,
};
const requested: LedgerFact = { type: 'BookingRequested', booking, partition: 2 };

/** Drivers due north of the pickup at the given distances (m), available and pinging at `atMs`. */
function driversAt(distances: Record<string, number>, atMs = NOW, registry = new DriverRegistry()): DriverRegistry {
  for (const [driverId, metres] of Object.entries(distances)) {
    registry.apply({ type: 'LocationReported', driverId, lat: booking.pickup.lat + metres / METERS_PER_DEGREE, lng: booking.pickup.lng, atMs });
    registry.apply({ type: 'AvailabilityReported', driverId, available: true, atMs });
  }
  return registry;
}

function ledgerWith(...facts: LedgerFact[]): OfferLedger {
  const ledger = new OfferLedger();
  for (const fact of facts) ledger.apply(fact);
  return ledger;
}

const pendingIds = (ledger: OfferLedger) => ledger.pending('b1').map((m) => `${m.type}:${m.driverId}`);
const revoked = (decisions: readonly OfferDecision[]) => decisions.flatMap((d) => (d.type === 'Revoke' ? [`${d.driverId}:${d.reason}`] : []));
const closed = (reason: 'accepted' | 'cancelled' | 'expired', acceptedBy: string | null = null): LedgerFact => ({
  type: 'BookingClosed',
  bookingId: 'b1',
  reason,
  acceptedBy,
  partition: 2,
});
const published = (driverId: string, offeredAtMs = NOW): LedgerFact => ({ type: 'OfferPublished', bookingId: 'b1', driverId, distanceM: 100, offeredAtMs });

describe('OfferLedger: offers', () => {
  it('offers a new booking to the nearest available drivers at once, and owes the next round a window later', () => {
    const ledger = ledgerWith(requested);
    const drivers = driversAt({ a: 100, b: 200, c: 300, far: 9000 });
    expect(ledger.decide('b1', drivers, NOW, policy).map((d) => d.driverId)).toEqual(['a', 'b']);
    expect(pendingIds(ledger)).toEqual(['Offer:a', 'Offer:b']);
    expect(ledger.nextRoundAtMs('b1', NOW, policy)).toBe(NOW + WINDOW);
    expect(ledger.decide('b1', drivers, NOW + WINDOW - 1, policy)).toEqual([]);
    ledger.markPublished(ledger.pending('b1'));
    expect(pendingIds(ledger)).toEqual([]);
    expect(ledger.decide('b1', drivers, NOW + WINDOW, policy).map((d) => d.driverId)).toEqual(['c']);
  });

  it('offers nothing to busy, unavailable, stale or far drivers', () => {
    const drivers = driversAt({ near: 100, busy: 150, off: 200 });
    driversAt({ stale: 250 }, NOW - 61_000, drivers);
    driversAt({ far: 25_000 }, NOW, drivers);
    drivers.apply({ type: 'TripAssigned', driverId: 'busy', bookingId: 'other' });
    drivers.apply({ type: 'AvailabilityReported', driverId: 'off', available: false, atMs: NOW });
    const ledger = ledgerWith(requested);
    expect(ledger.decide('b1', drivers, NOW, { ...policy, maxDriversPerRound: 10 }).map((d) => d.driverId)).toEqual(['near']);
  });

  it('widens the radius when nobody is near', () => {
    const ledger = ledgerWith(requested);
    const decisions = ledger.decide('b1', driversAt({ at7km: 7000, at15km: 15_000 }), NOW, policy);
    expect(decisions.map((d) => d.driverId)).toEqual(['at7km']);
  });

  it('starts no round at or after the booking expires', () => {
    const ledger = ledgerWith(requested);
    expect(ledger.decide('b1', driversAt({ a: 100 }), booking.expiresAtMs, policy)).toEqual([]);
    expect(ledger.nextRoundAtMs('b1', booking.expiresAtMs, policy)).toBeNull();
    expect(ledger.nextRoundAtMs('b1', booking.expiresAtMs - 1, policy)).toBe(NOW);
    const late = ledgerWith(requested, published('a', booking.expiresAtMs - 5_000));
    expect(late.nextRoundAtMs('b1', NOW, policy)).toBeNull(); // the next window would end after expiry
  });

  it('counts an empty round: the next search waits a window', () => {
    const ledger = ledgerWith(requested);
    expect(ledger.decide('b1', new DriverRegistry(), NOW, policy)).toEqual([]);
    expect(ledger.nextRoundAtMs('b1', NOW, policy)).toBe(NOW + WINDOW);
    expect(ledger.decide('b1', driversAt({ a: 100 }), NOW + 1_000, policy)).toEqual([]);
  });
});

describe('OfferLedger: rebuilt from the log', () => {
  it('does not offer again what the log shows was offered, in whatever order the topics were read', () => {
    const facts: LedgerFact[] = [requested, published('a'), published('b')];
    for (const order of [facts, [...facts].reverse()]) {
      const ledger = ledgerWith(...order);
      const drivers = driversAt({ a: 100, b: 200, c: 300 });
      expect(ledger.decide('b1', drivers, NOW + 1_000, policy)).toEqual([]);
      expect(pendingIds(ledger)).toEqual([]);
      expect(ledger.nextRoundAtMs('b1', NOW, policy)).toBe(NOW + WINDOW);
      expect(ledger.decide('b1', drivers, NOW + WINDOW, policy).map((d) => d.driverId)).toEqual(['c']);
    }
  });

  it("offers a booking at once even when its requester's clock is ahead of ours", () => {
    const ledger = ledgerWith({ type: 'BookingRequested', booking: { ...booking, requestedAtMs: NOW + 5_000 }, partition: 2 });
    expect(ledger.nextRoundAtMs('b1', NOW, policy)).toBe(NOW);
    expect(ledger.decide('b1', driversAt({ a: 100 }), NOW, policy).map((d) => d.driverId)).toEqual(['a']);
  });

  it('owes the first round of a booking the log shows no offers for', () => {
    const ledger = ledgerWith(requested);
    expect(ledger.decide('b1', driversAt({ a: 100 }), NOW + 30_000, policy).map((d) => d.driverId)).toEqual(['a']);
  });
});

describe('OfferLedger: closing', () => {
  it('revokes every driver offered but the one who accepted', () => {
    const ledger = ledgerWith(requested, published('a'), published('b'), published('c', NOW + WINDOW));
    ledger.apply({ type: 'BookingClosed', bookingId: 'b1', reason: 'accepted', acceptedBy: 'b', partition: 2 });
    expect(ledger.decide('b1', new DriverRegistry(), NOW + 20_000, policy)).toEqual([
      { type: 'Revoke', bookingId: 'b1', driverId: 'a', reason: 'accepted' },
      { type: 'Revoke', bookingId: 'b1', driverId: 'c', reason: 'accepted' },
    ]);
    expect(ledger.nextRoundAtMs('b1', NOW, policy)).toBeNull();
    ledger.markPublished(ledger.pending('b1'));
    expect(ledger.decide('b1', new DriverRegistry(), NOW + 21_000, policy)).toEqual([]);
  });

  it('on accept by a driver never offered, on cancel and on expiry, revokes everyone offered', () => {
    const offers = [requested, published('a'), published('b'), published('c', NOW + WINDOW)];
    for (const [close, reason] of [
      [closed('accepted', 'stranger'), 'accepted'],
      [closed('cancelled'), 'cancelled'],
      [closed('expired'), 'expired'],
    ] as const) {
      const ledger = ledgerWith(...offers, close);
      expect(revoked(ledger.decide('b1', new DriverRegistry(), NOW + 20_000, policy))).toEqual([`a:${reason}`, `b:${reason}`, `c:${reason}`]);
    }
  });

  it('once closed, starts no new round and revokes nobody twice', () => {
    const ledger = ledgerWith(requested, published('a'), published('b'), closed('accepted', 'a'));
    const drivers = driversAt({ c: 300, d: 400 }, NOW + 60_000);
    expect(revoked(ledger.decide('b1', drivers, NOW + 60_000, policy))).toEqual(['b:accepted']);
    expect(ledger.decide('b1', drivers, NOW + 60_000, policy)).toEqual([]);
    ledger.markPublished(ledger.pending('b1'));
    expect(ledger.decide('b1', drivers, NOW + 120_000, policy)).toEqual([]);
    expect(ledger.nextRoundAtMs('b1', NOW + 60_000, policy)).toBeNull();
  });

  it('revokes only what the log does not show revoked yet', () => {
    const ledger = ledgerWith(
      published('a'),
      published('b'),
      { type: 'RevocationPublished', bookingId: 'b1', driverId: 'a', reason: 'cancelled' },
      { type: 'BookingClosed', bookingId: 'b1', reason: 'cancelled', acceptedBy: null, partition: 0 },
    );
    expect(ledger.decide('b1', new DriverRegistry(), NOW, policy).map((d) => d.driverId)).toEqual(['b']);
  });

  it('never sends an offer that was planned but not published when the booking closes', () => {
    const ledger = ledgerWith(requested);
    ledger.decide('b1', driversAt({ a: 100 }), NOW, policy);
    ledger.apply({ type: 'BookingClosed', bookingId: 'b1', reason: 'expired', acceptedBy: null, partition: 2 });
    expect(ledger.decide('b1', new DriverRegistry(), NOW, policy)).toEqual([]);
    expect(ledger.pending('b1')).toEqual([]);
  });

  it('keeps the first way a booking closed', () => {
    const ledger = ledgerWith(requested, published('a'), published('b'));
    ledger.apply({ type: 'BookingClosed', bookingId: 'b1', reason: 'accepted', acceptedBy: 'a', partition: 2 });
    ledger.apply({ type: 'BookingClosed', bookingId: 'b1', reason: 'cancelled', acceptedBy: null, partition: 2 });
    expect(ledger.decide('b1', new DriverRegistry(), NOW, policy)).toEqual([{ type: 'Revoke', bookingId: 'b1', driverId: 'b', reason: 'accepted' }]);
  });
});

describe('OfferLedger: housekeeping', () => {
  it('knows which partition each booking lives in', () => {
    const ledger = ledgerWith(requested, { type: 'BookingClosed', bookingId: 'b2', reason: 'cancelled', acceptedBy: null, partition: 4 });
    expect(ledger.partitionOf('b1')).toBe(2);
    expect(ledger.bookingsIn(new Set([4]))).toEqual(['b2']);
  });

  it('forgets bookings long past their expiry, never with something still to publish', () => {
    const ledger = ledgerWith(requested, published('a'));
    ledger.apply({ type: 'BookingClosed', bookingId: 'b1', reason: 'cancelled', acceptedBy: null, partition: 2 });
    ledger.decide('b1', new DriverRegistry(), NOW, policy);
    const later = booking.expiresAtMs + 60_001;
    expect(ledger.prune(later, 60_000)).toEqual([]);
    ledger.markPublished(ledger.pending('b1'));
    expect(ledger.prune(later - 2, 60_000)).toEqual([]);
    expect(ledger.prune(later, 60_000)).toEqual(['b1']);
    expect(ledger.size).toBe(0);
  });
});
