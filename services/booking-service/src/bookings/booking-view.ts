import { Latitude, Longitude } from '@rideline/contracts';
import Type, { type Static } from 'typebox';
import type { Booking, BookingStatus } from '../domain/booking.ts';

export const BookingStatusSchema = Type.Union([
  Type.Literal('pending'),
  Type.Literal('accepted'),
  Type.Literal('on_trip'),
  Type.Literal('completed'),
  Type.Literal('cancelled'),
  Type.Literal('expired'),
]);
// Compile-time check that the schema and the domain name the same statuses.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const statusesMatch: Same<Static<typeof BookingStatusSchema>, BookingStatus> = true;

export const PlaceBody = Type.Object(
  { lat: Latitude, lng: Longitude, address: Type.String({ minLength: 1, maxLength: 500 }) },
  { additionalProperties: false },
);

/** A booking as API.md shows it (plus `expires_at`). */
export const BookingView = Type.Object({
  booking_id: Type.String(),
  user_id: Type.String(),
  driver_id: Type.Union([Type.String(), Type.Null()]),
  status: BookingStatusSchema,
  pickup: PlaceBody,
  dropoff: PlaceBody,
  estimated_cost: Type.Number(),
  created_at: Type.String(),
  updated_at: Type.String(),
  expires_at: Type.String(),
});
export type BookingView = Static<typeof BookingView>;

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
