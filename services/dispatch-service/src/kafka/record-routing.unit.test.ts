import type { DriverLocationRecord } from '@rideline/contracts';
import { describe, expect, it } from 'vitest';
import { DispatchState, type LogRecord } from '../domain/index.ts';
import { routeRecord, type RecordRoutes } from './record-routing.ts';

const AT = '2026-11-26T10:00:00.000Z';
const place = { lat: 12.97, lng: 77.59, address: 'MG Road' };
let ids = 0;
const envelope = () => ({ event_id: `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`, version: 1, occurred_at: AT });

const located = (driver_id: string, partition = 3): LogRecord => ({
  topic: 'driverLocations',
  partition,
  message: { ...envelope(), type: 'DriverStatusReported', data: { driver_id, available: true, location: { lat: 12.97, lng: 77.59 }, reported_at: AT } },
});
const requested = (booking_id: string): LogRecord => ({
  topic: 'bookingEvents',
  partition: 1,
  message: {
    ...envelope(),
    type: 'BookingRequested',
    data: { booking_id, user_id: 'u1', pickup: place, dropoff: place, estimated_cost: 100, expires_at: '2026-11-26T10:02:00.000Z' },
  },
});
const revoked = (booking_id: string): LogRecord => ({
  topic: 'dispatchOffers',
  partition: 0,
  message: { ...envelope(), type: 'OfferRevoked', data: { booking_id, driver_id: 'd1', reason: 'cancelled' } },
});

/** Real state; the other routes record what they were given. */
function setUp(caughtUp: boolean) {
  const state = new DispatchState();
  const seen = { observed: [] as string[], counted: [] as number[], reviewed: [] as string[] };
  const routes: RecordRoutes = {
    fold: (record) => state.fold(record),
    observeDriverLocation: (message: DriverLocationRecord, partition) => seen.observed.push(`${message.data.driver_id}@${partition}`),
    countLocationUpdates: (count) => seen.counted.push(count),
    caughtUp: () => caughtUp,
    review: (bookingId) => seen.reviewed.push(bookingId),
  };
  return { state, seen, route: (record: LogRecord) => routeRecord(record, routes) };
}

describe('routeRecord', () => {
  it('during the replay only rebuilds state: nothing is reviewed', () => {
    const { state, seen, route } = setUp(false);
    route(located('d1'));
    route(requested('b1'));
    route(revoked('b1'));
    expect(state.drivers.get('d1')).toBeDefined();
    expect(state.offers.snapshot('b1')?.requested).toBe(true);
    expect(seen).toEqual({ observed: ['d1@3'], counted: [1], reviewed: [] });
  });

  it('once caught up, reviews the booking a booking.events or dispatch.offers record is about', () => {
    const { seen, route } = setUp(true);
    route(requested('b1'));
    route(revoked('b2'));
    route(located('d1'));
    expect(seen.reviewed).toEqual(['b1', 'b2']);
  });

  it('gives the state republisher every driver.locations record, duplicates included, and counts only the folded ones', () => {
    const { seen, route } = setUp(true);
    const record = located('d1', 5);
    route(record);
    route(record);
    expect(seen).toEqual({ observed: ['d1@5', 'd1@5'], counted: [1], reviewed: [] });
  });

  it('reviews nothing for a duplicate booking record', () => {
    const { seen, route } = setUp(true);
    const record = requested('b1');
    route(record);
    route(record);
    expect(seen.reviewed).toEqual(['b1']);
  });
});
