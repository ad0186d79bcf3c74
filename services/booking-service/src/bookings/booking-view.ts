import { BookingStatus, Latitude, Longitude } from '@rideline/contracts';
import { schemaRef } from '@rideline/service-kit';
import Type, { type Static } from 'typebox';
import type { Booking } from '../domain/booking.ts';

const PlaceBody = Type.Object({ lat: Latitude, lng: Longitude, address: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false });

const examplePickup = { lat: 12.9716, lng: 77.5946, address: 'MG Road, Bengaluru' };
const exampleDropoff = { lat: 12.9352, lng: 77.6245, address: 'Koramangala, Bengaluru' };
const exampleBooking = {
  booking_id: '3f2b8c1a-7d4e-4b6f-9a0c-5e1d2f3a4b5c',
  user_id: '5b0f7c1e-2a4d-4f3b-9c8e-1d2e3f4a5b6c',
  driver_id: null,
  status: 'pending',
  pickup: examplePickup,
  dropoff: exampleDropoff,
  estimated_cost: 142.5,
  created_at: '2026-05-04T09:30:00.000Z',
  updated_at: '2026-05-04T09:30:00.000Z',
  expires_at: '2026-05-04T09:32:00.000Z',
};

/** A booking as API.md shows it (plus `expires_at`). */
export const BookingView = Type.Object(
  {
    booking_id: Type.String(),
    user_id: Type.String(),
    driver_id: Type.Union([Type.String(), Type.Null()]),
    status: BookingStatus,
    pickup: PlaceBody,
    dropoff: PlaceBody,
    estimated_cost: Type.Number(),
    created_at: Type.String(),
    updated_at: Type.String(),
    expires_at: Type.String({ description: 'While pending: when it expires if no driver accepts.' }),
  },
  { $id: 'Booking', examples: [exampleBooking] },
);
export type BookingView = Static<typeof BookingView>;

export const PlaceBookingBody = Type.Object(
  { pickup: PlaceBody, dropoff: PlaceBody },
  { additionalProperties: false, $id: 'PlaceBookingRequest', examples: [{ pickup: examplePickup, dropoff: exampleDropoff }] },
);
export const StartTripBody = Type.Object(
  { otp: Type.String({ minLength: 1, maxLength: 32, description: 'The 6 digits the rider received when the booking was accepted.' }) },
  { additionalProperties: false, $id: 'StartTripRequest', examples: [{ otp: '482913' }] },
);
export const CancelBody = Type.Object(
  { reason: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false, $id: 'CancelBookingRequest', examples: [{ reason: 'Plans changed' }] },
);
export const BookingList = Type.Object({ bookings: Type.Array(schemaRef(BookingView)) }, { $id: 'BookingList', examples: [{ bookings: [exampleBooking] }] });

/** The named components of the booking routes, added once to the app (`app.addSchema`). */
export const bookingSchemas = [BookingView, PlaceBookingBody, StartTripBody, CancelBody, BookingList];

export const bookingView = (booking: Booking): BookingView => ({
  booking_id: booking.bookingId,
  user_id: booking.userId,
  driver_id: booking.driverId,
  status: booking.status,
  pickup: booking.pickup,
  dropoff: booking.dropoff,
  estimated_cost: booking.estimatedCost,
  created_at: booking.createdAt,
  updated_at: booking.updatedAt,
  expires_at: booking.expiresAt,
});
