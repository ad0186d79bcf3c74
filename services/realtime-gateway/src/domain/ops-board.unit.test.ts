import type { BookingEvent, DispatchOffer, DriverLocationRecord } from '@rideline/contracts';
import { describe, expect, it } from 'vitest';
import { OpsBoard } from './ops-board.ts';

const T0 = Date.parse('2026-11-29T10:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const envelope = { event_id: '00000000-0000-4000-8000-000000000000', occurred_at: iso(T0) };
const board = () => new OpsBoard({ driverStaleMs: 60_000, driverForgetMs: 600_000 });

const ping = (driver: string, lat: number, atMs: number, available: boolean | null = true): DriverLocationRecord => ({
  ...envelope,
  type: 'DriverStatusReported',
  version: 1,
  data: { driver_id: driver, available, location: { lat, lng: 77.5 }, reported_at: iso(atMs) },
});
const place = { lat: 12.9, lng: 77.5, address: 'A street' };
const requested = (booking: string, atMs: number): BookingEvent => ({
  ...envelope,
  occurred_at: iso(atMs),
  type: 'BookingRequested',
  version: 1,
  data: { booking_id: booking, user_id: 'u1', pickup: place, dropoff: place, estimated_cost: 100, expires_at: iso(atMs + 120_000) },
});
const accepted = (booking: string, driver: string, atMs: number): BookingEvent => ({
  ...envelope,
  occurred_at: iso(atMs),
  type: 'BookingAccepted',
  version: 2,
  data: { booking_id: booking, user_id: 'u1', driver_id: driver },
});
const completed = (booking: string, driver: string, atMs: number, version = 5): BookingEvent => ({
  ...envelope,
  occurred_at: iso(atMs),
  type: 'TripCompleted',
  version,
  data: { booking_id: booking, user_id: 'u1', driver_id: driver },
});
const offered = (booking: string, driver: string, atMs: number): DispatchOffer => ({
  ...envelope,
  type: 'BookingOffered',
  version: 1,
  data: { booking_id: booking, driver_id: driver, pickup: place, dropoff: place, estimated_cost: 100, distance_m: 10, offered_at: iso(atMs) },
});

describe('OpsBoard', () => {
  it('coalesces many pings of one driver into one entry with the latest position, and ignores older reports', () => {
    const ops = board();
    for (let i = 0; i < 100; i++) ops.applyLocation(ping('d1', 12 + i / 100, T0 + i));
    ops.applyLocation(ping('d1', 1, T0 - 5));
    const update = ops.drain(T0 + 200);
    expect(update?.drivers).toEqual([{ id: 'd1', lat: 12.99, lng: 77.5, state: 'available', at: T0 + 99 }]);
    expect(ops.drain(T0 + 300)).toBeNull();
  });

  it('colours a driver by what it does: available, offered, assigned, on trip, offline', () => {
    const ops = board();
    const stateOf = (nowMs: number) => ops.snapshot(nowMs).drivers.find((d) => d.id === 'd1')?.state;
    ops.applyLocation(ping('d1', 12, T0));
    expect(stateOf(T0)).toBe('available');
    ops.applyBookingEvent(requested('b1', T0));
    ops.applyOffer(offered('b1', 'd1', T0 + 400));
    expect(stateOf(T0)).toBe('offered');
    ops.applyBookingEvent(accepted('b1', 'd1', T0 + 3_000));
    ops.applyOffer({ ...envelope, type: 'OfferRevoked', version: 1, data: { booking_id: 'b1', driver_id: 'd1', reason: 'accepted' } });
    expect(stateOf(T0)).toBe('assigned');
    ops.applyBookingEvent({ ...envelope, type: 'TripStarted', version: 4, data: { booking_id: 'b1', user_id: 'u1', driver_id: 'd1' } });
    expect(stateOf(T0)).toBe('on_trip');
    ops.applyBookingEvent(completed('b1', 'd1', T0 + 5_000));
    expect(stateOf(T0 + 5_000)).toBe('available');
    expect(stateOf(T0 + 61_000)).toBe('offline');
  });

  it('sends a driver gone stale in the next frame, though nothing was published', () => {
    const ops = board();
    ops.applyLocation(ping('d1', 12, T0));
    ops.drain(T0);
    expect(ops.drain(T0 + 30_000)).toBeNull();
    expect(ops.drain(T0 + 61_000)?.drivers).toEqual([expect.objectContaining({ id: 'd1', state: 'offline' })]);
  });

  it('sends an ended booking once, then forgets it', () => {
    const ops = board();
    ops.applyBookingEvent(requested('b1', T0));
    ops.applyBookingEvent(accepted('b1', 'd1', T0 + 1_000));
    ops.applyBookingEvent(completed('b1', 'd1', T0 + 2_000, 3));
    expect(ops.drain(T0 + 2_000)?.bookings).toEqual([expect.objectContaining({ id: 'b1', status: 'completed', accepted_at: T0 + 1_000 })]);
    expect(ops.snapshot(T0 + 2_000).bookings).toEqual([]);
  });

  it('measures offers per minute and the median times to offer and to accept', () => {
    const ops = board();
    ops.applyBookingEvent(requested('b1', T0));
    ops.applyBookingEvent(requested('b2', T0));
    ops.applyOffer(offered('b1', 'd1', T0 + 1_000));
    ops.applyOffer(offered('b2', 'd2', T0 + 3_000));
    ops.applyOffer(offered('b2', 'd3', T0 + 3_500));
    ops.applyBookingEvent(accepted('b1', 'd1', T0 + 10_000));
    expect(ops.snapshot(T0 + 20_000).stats).toEqual({ offers_last_minute: 3, median_time_to_offer_s: 2, median_time_to_accept_s: 10 });
    expect(ops.snapshot(T0 + 70_000).stats.offers_last_minute).toBe(0);
  });

  it("closes every open offer of a booking once it is accepted, the winner's too, and ignores offers read late", () => {
    const ops = board();
    ops.applyBookingEvent(requested('b1', T0));
    ops.applyOffer(offered('b1', 'd1', T0 + 100));
    ops.applyOffer(offered('b1', 'd2', T0 + 100));
    ops.drain(T0 + 200);
    ops.applyBookingEvent(accepted('b1', 'd1', T0 + 1_000));
    ops.applyOffer(offered('b1', 'd3', T0 + 900));
    const update = ops.drain(T0 + 1_200);
    expect(update?.offers_closed).toEqual([
      { booking_id: 'b1', driver_id: 'd1', reason: 'accepted' },
      { booking_id: 'b1', driver_id: 'd2', reason: 'accepted' },
    ]);
    expect(update?.offers).toEqual([]);
    expect(ops.snapshot(T0 + 1_200).offers).toEqual([]);
  });

  it('never opens an offer of a booking that ended, and drops offers left open too long', () => {
    const ops = board();
    ops.applyBookingEvent(requested('b1', T0));
    ops.applyBookingEvent(accepted('b1', 'd1', T0 + 1_000));
    ops.applyBookingEvent(completed('b1', 'd1', T0 + 2_000, 3));
    ops.drain(T0 + 2_000);
    ops.applyOffer(offered('b1', 'd2', T0 + 500));
    ops.applyOffer(offered('b9', 'd3', T0 + 500));
    expect(ops.snapshot(T0 + 3_000).offers).toEqual([{ booking_id: 'b9', driver_id: 'd3', offered_at: T0 + 500 }]);
    ops.drain(T0 + 3_000);
    expect(ops.drain(T0 + 11 * 60_000)?.offers_closed).toEqual([{ booking_id: 'b9', driver_id: 'd3', reason: 'expired' }]);
  });

  it("takes an offer read before its booking as the booking's first offer", () => {
    const ops = board();
    ops.applyOffer(offered('b1', 'd1', T0 + 700));
    ops.applyBookingEvent(requested('b1', T0));
    expect(ops.snapshot(T0 + 1_000).bookings[0]?.first_offer_at).toBe(T0 + 700);
    expect(ops.snapshot(T0 + 1_000).stats.median_time_to_offer_s).toBe(0.7);
  });
});
