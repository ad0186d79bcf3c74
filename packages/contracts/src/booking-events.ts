import Type, { type Static } from 'typebox';
import { Canceller } from './booking-status.ts';
import { envelopeSchema } from './envelope.ts';
import { Id, Place, Timestamp } from './shared-shapes.ts';

/**
 * The booking stream on `booking.events`, keyed by booking id. Every event names the booking's
 * user (and driver once assigned) so consumers can route it without keeping their own join.
 */
export const BookingRequested = envelopeSchema(
  'BookingRequested',
  Type.Object({
    booking_id: Id,
    user_id: Id,
    pickup: Place,
    dropoff: Place,
    estimated_cost: Type.Number({ minimum: 0 }),
    expires_at: Timestamp,
  }),
);

export const BookingAccepted = envelopeSchema('BookingAccepted', Type.Object({ booking_id: Id, user_id: Id, driver_id: Id }));

export const TripStarted = envelopeSchema('TripStarted', Type.Object({ booking_id: Id, user_id: Id, driver_id: Id }));

export const TripCompleted = envelopeSchema('TripCompleted', Type.Object({ booking_id: Id, user_id: Id, driver_id: Id }));

export const BookingCancelled = envelopeSchema(
  'BookingCancelled',
  Type.Object({
    booking_id: Id,
    user_id: Id,
    driver_id: Type.Union([Id, Type.Null()]),
    cancelled_by: Canceller,
    reason: Type.Union([Type.String({ maxLength: 500 }), Type.Null()]),
  }),
);

export const BookingExpired = envelopeSchema('BookingExpired', Type.Object({ booking_id: Id, user_id: Id }));

export const BookingEvent = Type.Union([BookingRequested, BookingAccepted, TripStarted, TripCompleted, BookingCancelled, BookingExpired]);
export type BookingEvent = Static<typeof BookingEvent>;
export type BookingEventType = BookingEvent['type'];
export type BookingEventOf<T extends BookingEventType> = Extract<BookingEvent, { type: T }>;
