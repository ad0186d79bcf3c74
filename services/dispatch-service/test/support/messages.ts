import { randomUUID } from 'node:crypto';
import type { TopicMessage } from '@rideline/contracts';
import { METERS_PER_DEGREE } from '../../src/domain/geo.ts';

type LatLng = { readonly lat: number; readonly lng: number };

/** A point `metres` due north of `from`. */
export const north = (from: LatLng, metres: number): LatLng => ({ lat: from.lat + metres / METERS_PER_DEGREE, lng: from.lng });

const envelope = (version: number, at = new Date()) => ({ event_id: randomUUID(), version, occurred_at: at.toISOString() });
const USER = '5d7c3b1a-0e4f-4a6b-8c9d-1e2f3a4b5c6d';

/** `at`: when it was requested (default now), e.g. a test's ManualClock time. */
export function bookingRequested(bookingId: string, pickup: LatLng, options: { expiresInMs?: number; at?: number } = {}): TopicMessage<'bookingEvents'> {
  const now = new Date(options.at ?? Date.now());
  return {
    ...envelope(1, now),
    type: 'BookingRequested',
    data: {
      booking_id: bookingId,
      user_id: USER,
      pickup: { ...pickup, address: 'Pickup street 1' },
      dropoff: { ...north(pickup, 3000), address: 'Dropoff avenue 2' },
      estimated_cost: 150,
      expires_at: new Date(now.getTime() + (options.expiresInMs ?? 120_000)).toISOString(),
    },
  };
}

export const bookingAccepted = (bookingId: string, driverId: string): TopicMessage<'bookingEvents'> => ({
  ...envelope(2),
  type: 'BookingAccepted',
  data: { booking_id: bookingId, user_id: USER, driver_id: driverId },
});

export const tripCompleted = (bookingId: string, driverId: string): TopicMessage<'bookingEvents'> => ({
  ...envelope(4),
  type: 'TripCompleted',
  data: { booking_id: bookingId, user_id: USER, driver_id: driverId },
});

export const bookingCancelled = (bookingId: string): TopicMessage<'bookingEvents'> => ({
  ...envelope(2),
  type: 'BookingCancelled',
  data: { booking_id: bookingId, user_id: USER, driver_id: null, cancelled_by: 'user', reason: null },
});

export const bookingExpired = (bookingId: string): TopicMessage<'bookingEvents'> => ({
  ...envelope(2),
  type: 'BookingExpired',
  data: { booking_id: bookingId, user_id: USER },
});

export function driverStatus(driverId: string, report: { available?: boolean; location?: LatLng; reportedAt?: Date }): TopicMessage<'driverLocations'> {
  const at = report.reportedAt ?? new Date();
  return {
    ...envelope(1),
    type: 'DriverStatusReported',
    data: {
      driver_id: driverId,
      available: report.available ?? null,
      location: report.location ? { lat: report.location.lat, lng: report.location.lng } : null,
      reported_at: at.toISOString(),
    },
  };
}
