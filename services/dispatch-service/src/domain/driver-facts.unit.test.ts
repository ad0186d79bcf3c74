import type { BookingEvent, DriverLocationRecord } from '@rideline/contracts';
import { describe, expect, it } from 'vitest';
import { factsFromBookingEvent, factsFromDriverStatus } from './driver-facts.ts';

const envelope = { event_id: '00000000-0000-4000-8000-000000000001', version: 1, occurred_at: '2026-11-26T10:00:00.000Z' };
const place = { lat: 12.97, lng: 77.59, address: 'MG Road' };
const ids = { booking_id: 'b1', user_id: 'u1', driver_id: 'd1' };

describe('factsFromDriverStatus', () => {
  it('reads a location and an availability, timed by reported_at', () => {
    const record: DriverLocationRecord = {
      ...envelope,
      type: 'DriverStatusReported',
      data: { driver_id: 'd1', available: true, location: { lat: 1, lng: 2 }, reported_at: '2026-11-26T10:00:05.000Z' },
    };
    const atMs = Date.parse('2026-11-26T10:00:05.000Z');
    expect(factsFromDriverStatus(record)).toEqual([
      { type: 'LocationReported', driverId: 'd1', lat: 1, lng: 2, atMs },
      { type: 'AvailabilityReported', driverId: 'd1', available: true, atMs },
    ]);
  });

  it('skips the parts that were not reported', () => {
    const record: DriverLocationRecord = {
      ...envelope,
      type: 'DriverStatusReported',
      data: { driver_id: 'd1', available: null, location: null, reported_at: '2026-11-26T10:00:05.000Z' },
    };
    expect(factsFromDriverStatus(record)).toEqual([]);
  });
});

describe('factsFromBookingEvent', () => {
  const cases: [BookingEvent, unknown[]][] = [
    [
      {
        ...envelope,
        type: 'BookingRequested',
        data: { booking_id: 'b1', user_id: 'u1', pickup: place, dropoff: place, estimated_cost: 10, expires_at: envelope.occurred_at },
      },
      [],
    ],
    [{ ...envelope, type: 'BookingAccepted', data: ids }, [{ type: 'TripAssigned', driverId: 'd1', bookingId: 'b1' }]],
    [{ ...envelope, type: 'TripStarted', data: ids }, [{ type: 'TripAssigned', driverId: 'd1', bookingId: 'b1' }]],
    [{ ...envelope, type: 'TripCompleted', data: ids }, [{ type: 'TripEnded', driverId: 'd1', bookingId: 'b1' }]],
    [{ ...envelope, type: 'BookingCancelled', data: { ...ids, cancelled_by: 'user', reason: null } }, [{ type: 'TripEnded', driverId: 'd1', bookingId: 'b1' }]],
    [{ ...envelope, type: 'BookingCancelled', data: { ...ids, driver_id: null, cancelled_by: 'user', reason: null } }, []],
    [{ ...envelope, type: 'BookingExpired', data: { booking_id: 'b1', user_id: 'u1' } }, []],
  ];
  cases.forEach(([event, facts]) => {
    it(`${event.type}${event.type === 'BookingCancelled' && event.data.driver_id === null ? ' (no driver)' : ''}`, () => {
      expect(factsFromBookingEvent(event)).toEqual(facts);
    });
  });
});
