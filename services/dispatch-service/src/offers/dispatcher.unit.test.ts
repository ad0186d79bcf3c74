import type { OutgoingRecord } from '@rideline/kafka';
import { systemClock } from '@rideline/service-kit';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DispatchState } from '../domain/index.ts';
import { METERS_PER_DEGREE } from '../domain/geo.ts';
import { Dispatcher } from './dispatcher.ts';

const NOW = 1_800_000_000_000;
const WINDOW = 10_000;
const silent = { error() {}, warn() {}, info() {}, debug() {} };
const place = { lat: 12.97, lng: 77.59, address: 'MG Road' };

function setUp(owned = true) {
  const state = new DispatchState();
  const sent: OutgoingRecord<'dispatchOffers'>[] = [];
  let failing = false;
  const dispatcher = new Dispatcher({
    state,
    publish: async (records) => {
      if (failing) throw new Error('broker down');
      sent.push(...records);
    },
    policy: { maxDriversPerRound: 1, offerWindowMs: WINDOW },
    owns: (partition) => owned && partition === 3,
    clock: systemClock,
    logger: silent,
    retryDelayMs: 500,
  });
  for (const [driverId, metres] of [
    ['a', 100],
    ['b', 200],
  ] as const) {
    state.drivers.apply({ type: 'LocationReported', driverId, lat: place.lat + metres / METERS_PER_DEGREE, lng: place.lng, atMs: NOW });
    state.drivers.apply({ type: 'AvailabilityReported', driverId, available: true, atMs: NOW });
  }
  state.offers.apply({
    type: 'BookingRequested',
    partition: 3,
    booking: { bookingId: 'b1', pickup: place, dropoff: place, estimatedCost: 50, requestedAtMs: NOW, expiresAtMs: NOW + 120_000 },
  });
  const offered = () => sent.map((r) => `${r.message.type}:${r.key}`);
  return { state, dispatcher, offered, fail: (value: boolean) => (failing = value) };
}

describe('Dispatcher', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW);
  });
  afterEach(() => vi.useRealTimers());

  it('does nothing before it is activated', async () => {
    const { dispatcher, offered } = setUp();
    dispatcher.review('b1');
    await vi.runAllTimersAsync();
    expect(offered()).toEqual([]);
  });

  it('offers, then offers the next driver when the window elapses, then revokes on acceptance', async () => {
    const { state, dispatcher, offered } = setUp();
    dispatcher.activate();
    dispatcher.review('b1');
    await vi.advanceTimersByTimeAsync(0);
    expect(offered()).toEqual(['BookingOffered:a']);
    dispatcher.review('b1'); // a review too many owes nothing
    await vi.advanceTimersByTimeAsync(WINDOW - 100);
    expect(offered()).toEqual(['BookingOffered:a']);
    state.drivers.apply({ type: 'LocationReported', driverId: 'b', lat: place.lat, lng: place.lng, atMs: Date.now() });
    await vi.advanceTimersByTimeAsync(200);
    expect(offered()).toEqual(['BookingOffered:a', 'BookingOffered:b']);
    state.offers.apply({ type: 'BookingClosed', bookingId: 'b1', reason: 'accepted', acceptedBy: 'b', partition: 3 });
    dispatcher.review('b1');
    await vi.advanceTimersByTimeAsync(0);
    expect(offered()).toEqual(['BookingOffered:a', 'BookingOffered:b', 'OfferRevoked:a']);
    await vi.advanceTimersByTimeAsync(5 * WINDOW);
    expect(offered()).toHaveLength(3);
  });

  it('retries a failed publish with the same records', async () => {
    const { dispatcher, offered, fail } = setUp();
    dispatcher.activate();
    fail(true);
    dispatcher.review('b1');
    await vi.advanceTimersByTimeAsync(0);
    expect(offered()).toEqual([]);
    fail(false);
    await vi.advanceTimersByTimeAsync(600);
    expect(offered()).toEqual(['BookingOffered:a']);
  });

  it('leaves the bookings of partitions it does not own alone', async () => {
    const { dispatcher, offered } = setUp(false);
    dispatcher.activate();
    dispatcher.review('b1');
    await vi.runAllTimersAsync();
    expect(offered()).toEqual([]);
  });

  it('stops acting when stopped', async () => {
    const { dispatcher, offered } = setUp();
    dispatcher.activate();
    await dispatcher.stop();
    dispatcher.review('b1');
    await vi.runAllTimersAsync();
    expect(offered()).toEqual([]);
  });
});
