import type { BookingEventOf, BookingEventType } from '@rideline/contracts';

/**
 * The facts of a booking's stream, as stored in the event store. The public ones carry exactly
 * the data of their `booking.events` contract; the private ones (the OTP's hash and failed
 * attempts) stay in the store and are never published.
 */
type Public<T extends BookingEventType> = {
  readonly type: T;
  readonly data: BookingEventOf<T>['data'];
  readonly occurredAt: string;
};

type BookingRequested = Public<'BookingRequested'>;
type BookingAccepted = Public<'BookingAccepted'>;
type TripStarted = Public<'TripStarted'>;
type TripCompleted = Public<'TripCompleted'>;
type BookingCancelled = Public<'BookingCancelled'>;
type BookingExpired = Public<'BookingExpired'>;

/** The OTP's keyed hash, recorded when a driver accepts; the code itself is never stored. */
interface OtpIssued {
  readonly type: 'OtpIssued';
  readonly data: { readonly booking_id: string; readonly otp_hash: string };
  readonly occurredAt: string;
}

/** A wrong OTP was tried; after the limit, further tries are refused without checking. */
interface OtpRejected {
  readonly type: 'OtpRejected';
  readonly data: { readonly booking_id: string; readonly failed_attempts: number };
  readonly occurredAt: string;
}

export type BookingDomainEvent = BookingRequested | BookingAccepted | OtpIssued | OtpRejected | TripStarted | TripCompleted | BookingCancelled | BookingExpired;

export type PublicBookingEvent = Exclude<BookingDomainEvent, OtpIssued | OtpRejected>;

const PRIVATE_TYPES: ReadonlySet<BookingDomainEvent['type']> = new Set(['OtpIssued', 'OtpRejected']);

export const isPublic = (event: BookingDomainEvent): event is PublicBookingEvent => !PRIVATE_TYPES.has(event.type);
