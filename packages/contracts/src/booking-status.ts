import Type, { type Static } from 'typebox';
import type { BookingEventType } from './booking-events.ts';

/**
 * A booking's statuses and what each one means, defined once for every service and client.
 * Node-free (socket-messages.ts, which browser bundles import, builds on it).
 */

/** A booking's status, as the REST API (`status`) and the sockets (`booking_status`) show it. */
export const BookingStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('accepted'),
  Type.Literal('on_trip'),
  Type.Literal('completed'),
  Type.Literal('cancelled'),
  Type.Literal('expired'),
]);
export type BookingStatus = Static<typeof BookingStatus>;

/** Who cancelled a booking (`BookingCancelled.cancelled_by`). */
export const Canceller = Type.Union([Type.Literal('user'), Type.Literal('driver')]);
export type Canceller = Static<typeof Canceller>;

/** Why an offer was withdrawn from a driver (`OfferRevoked.reason`): what became of its booking. */
export const OfferRevocationReason = Type.Union([Type.Literal('accepted'), Type.Literal('cancelled'), Type.Literal('expired')]);
export type OfferRevocationReason = Static<typeof OfferRevocationReason>;

/** The `message` of a `booking_status`: one text, or (for a cancellation) one per canceller. */
export type StatusText = string | Readonly<Record<Canceller, string>>;

export interface BookingStatusTraits {
  /**
   * `active`: the booking can still move (it counts against the rider's limit of open bookings
   * and is re-sent on every socket (re)connect); `ended`: it never changes again.
   */
  readonly phase: 'active' | 'ended';
  /** The assigned driver is busy with it: a driver holds at most one such booking at a time. */
  readonly holdsDriver: boolean;
  /** Who may cancel a booking in this status (`POST /bookings/{id}/cancel`). */
  readonly cancellableBy: readonly Canceller[];
  /** What the rider's socket is told when the booking enters the status (websocket-api.md). */
  readonly toRider: StatusText;
  /** What the assigned driver's socket is told (only bookings with a driver reach one). */
  readonly toDriver: StatusText;
}

/**
 * Every status with its meaning. Typed as a record over `BookingStatus`, so a new status does
 * not compile until it says whether it is active, whether it holds its driver, and what each
 * side is told; services decide through these traits rather than lists of their own.
 */
export const BOOKING_STATUSES: Readonly<Record<BookingStatus, BookingStatusTraits>> = {
  pending: {
    phase: 'active',
    holdsDriver: false,
    cancellableBy: ['user'],
    toRider: 'Your booking is pending. We are finding a driver for you.',
    // A driver is never assigned to a pending booking; say what happened anyway.
    toDriver: 'Your booking is pending. We are finding a driver for you.',
  },
  accepted: {
    phase: 'active',
    holdsDriver: true,
    cancellableBy: ['user', 'driver'],
    toRider: 'Your booking has been accepted by the driver.',
    toDriver: 'You have accepted the booking. Please proceed to the pickup location.',
  },
  on_trip: {
    phase: 'active',
    holdsDriver: true,
    cancellableBy: [],
    toRider: 'The trip has started.',
    toDriver: 'The trip has started. Please proceed to the destination.',
  },
  completed: {
    phase: 'ended',
    holdsDriver: false,
    cancellableBy: [],
    toRider: 'The trip has been completed.',
    toDriver: 'The trip has been completed.',
  },
  cancelled: {
    phase: 'ended',
    holdsDriver: false,
    cancellableBy: [],
    toRider: { user: 'Your booking has been cancelled.', driver: 'Your booking has been cancelled by the driver.' },
    toDriver: { user: 'The booking has been cancelled by the user.', driver: 'You have cancelled the booking.' },
  },
  expired: {
    phase: 'ended',
    holdsDriver: false,
    cancellableBy: [],
    toRider: 'No driver accepted your booking in time. It has expired.',
    // As for pending: no driver is ever assigned to a booking that expires.
    toDriver: 'This booking has expired.',
  },
};

/** Every status, in the order a booking can reach them. */
export const BOOKING_STATUS_LIST = Object.keys(BOOKING_STATUSES) as BookingStatus[];

export const isActiveStatus = (status: BookingStatus): boolean => BOOKING_STATUSES[status].phase === 'active';
export const isEndedStatus = (status: BookingStatus): boolean => BOOKING_STATUSES[status].phase === 'ended';
export const holdsDriver = (status: BookingStatus): boolean => BOOKING_STATUSES[status].holdsDriver;
export const isCancellableBy = (status: BookingStatus, who: Canceller): boolean => BOOKING_STATUSES[status].cancellableBy.includes(who);

/** The statuses with a given trait, in the order of `BOOKING_STATUS_LIST` (e.g. for an SQL `IN` list). */
export const statusesWhere = (test: (traits: BookingStatusTraits) => boolean): BookingStatus[] =>
  BOOKING_STATUS_LIST.filter((status) => test(BOOKING_STATUSES[status]));

/** The status a booking is in after each event of its public stream (`booking.events`). */
export const STATUS_AFTER_EVENT: Readonly<Record<BookingEventType, BookingStatus>> = {
  BookingRequested: 'pending',
  BookingAccepted: 'accepted',
  TripStarted: 'on_trip',
  TripCompleted: 'completed',
  BookingCancelled: 'cancelled',
  BookingExpired: 'expired',
};

/** The text one side of a booking (`user`: the rider) reads when the booking enters `status`. */
export function statusText(audience: 'user' | 'driver', status: BookingStatus, cancelledBy: Canceller | null): string {
  const text = audience === 'user' ? BOOKING_STATUSES[status].toRider : BOOKING_STATUSES[status].toDriver;
  if (typeof text === 'string') return text;
  // A cancellation whose canceller is unknown is told as the rider's own (the rider cancels most).
  return text[cancelledBy ?? 'user'];
}
