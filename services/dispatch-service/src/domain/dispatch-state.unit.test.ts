import type { BookingEvent, DispatchOffer, DriverLocationRecord } from '@rideline/contracts';
import { describe, expect, it } from 'vitest';
import { DispatchState, type LogRecord } from './dispatch-state.ts';

const AT = '2026-11-26T10:00:00.000Z';
const AT_MS = Date.parse(AT);
let ids = 0;
const envelope = () => ({ event_id: `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`, version: 1, occurred_at: AT });
const place = { lat: 12.97, lng: 77.59, address: 'MG Road' };

const status = (driver_id: string, available: boolean | null, location: { lat: number; lng: number } | null, reported_at = AT): LogRecord => ({
  topic: 'driverLocations',
  partition: 0,
  message: { ...envelope(), type: 'DriverStatusReported', data: { driver_id, available, location, reported_at } } satisfies DriverLocationRecord,
});
const booking = (event: BookingEvent): LogRecord => ({ topic: 'bookingEvents', partition: 1, message: event });
const offer = (message: DispatchOffer): LogRecord => ({ topic: 'dispatchOffers', partition: 2, message });

const log: LogRecord[] = [
  status('d1', true, { lat: 12.971, lng: 77.59 }),
  status('d2', null, { lat: 12.972, lng: 77.59 }),
  status('d2', true, null),
  booking({
    ...envelope(),
    type: 'BookingRequested',
    data: { booking_id: 'b1', user_id: 'u1', pickup: place, dropoff: place, estimated_cost: 100, expires_at: '2026-11-26T10:02:00.000Z' },
  }),
  offer({
    ...envelope(),
    type: 'BookingOffered',
    data: { booking_id: 'b1', driver_id: 'd1', pickup: place, dropoff: place, estimated_cost: 100, distance_m: 111, offered_at: AT },
  }),
  offer({
    ...envelope(),
    type: 'BookingOffered',
    data: { booking_id: 'b1', driver_id: 'd2', pickup: place, dropoff: place, estimated_cost: 100, distance_m: 222, offered_at: AT },
  }),
  booking({ ...envelope(), type: 'BookingAccepted', data: { booking_id: 'b1', user_id: 'u1', driver_id: 'd2' } }),
  offer({ ...envelope(), type: 'OfferRevoked', data: { booking_id: 'b1', driver_id: 'd1', reason: 'accepted' } }),
];

function foldAll(records: readonly LogRecord[]): DispatchState {
  const state = new DispatchState();
  for (const record of records) state.fold(record);
  return state;
}

const view = (state: DispatchState) => ({
  d1: state.drivers.get('d1'),
  d2: state.drivers.get('d2'),
  b1: state.offers.snapshot('b1'),
  eligible: state.drivers.nearestEligible(12.97, 77.59, AT_MS, { radiusM: 5000, limit: 10 }).map((d) => d.driverId),
});

describe('DispatchState', () => {
  it('folds drivers, trips and offers from the three topics', () => {
    const state = foldAll(log);
    expect(view(state)).toMatchObject({
      d1: { available: true, activeBookingIds: [] },
      d2: { available: true, activeBookingIds: ['b1'] },
      b1: {
        requested: true,
        partition: 1,
        status: 'accepted',
        offered: [
          { driverId: 'd1', published: true },
          { driverId: 'd2', published: true },
        ],
        revoked: [{ driverId: 'd1', reason: 'accepted', published: true }],
      },
      eligible: ['d1'],
    });
    expect(state.offers.pending('b1')).toEqual([]);
  });

  it('gives the same state however the topics interleave (each topic in its own order)', () => {
    const byTopic = (topic: LogRecord['topic']) => log.filter((r) => r.topic === topic);
    const interleaved = [...byTopic('dispatchOffers'), ...byTopic('driverLocations'), ...byTopic('bookingEvents')];
    expect(view(foldAll(interleaved))).toEqual(view(foldAll(log)));
  });

  it('ignores a record delivered twice', () => {
    const state = foldAll(log);
    const again = state.fold(log[0]!);
    expect(again).toEqual({ duplicate: true, bookingId: null, locationUpdates: 0 });
  });

  it('says which booking a record concerns, and how many locations moved', () => {
    const state = new DispatchState();
    expect(state.fold(log[0]!)).toEqual({ duplicate: false, bookingId: null, locationUpdates: 1 });
    expect(state.fold(log[3]!)).toEqual({ duplicate: false, bookingId: 'b1', locationUpdates: 0 });
    expect(state.fold(log[4]!)).toEqual({ duplicate: false, bookingId: 'b1', locationUpdates: 0 });
  });
});
