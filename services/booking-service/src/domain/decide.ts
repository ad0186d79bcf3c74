import { isCancellableBy } from '@rideline/contracts';
import { assertNever, type Booking, type BookingState } from './booking.ts';
import type { AcceptBooking, BookingCommand, CancelBooking, CompleteTrip, ExpireBooking, RequestBooking, StartTrip } from './commands.ts';
import type { BookingDomainEvent } from './events.ts';
import { reject, type Rejection } from './rejections.ts';

/** Wrong OTPs allowed per acceptance; the next try is refused without being checked. */
export const MAX_OTP_ATTEMPTS = 5;

/**
 * The outcome of a command: the events to append, and, when the command is refused, why.
 * A refusal may still record facts: a wrong OTP is refused *and* counted, and an accept that
 * arrives after the deadline is refused *and* expires the booking.
 */
export interface Decision {
  readonly events: readonly BookingDomainEvent[];
  readonly rejection: Rejection | null;
}

const accept = (...events: BookingDomainEvent[]): Decision => ({ events, rejection: null });
const refuse = (rejection: Rejection, ...events: BookingDomainEvent[]): Decision => ({ events, rejection });

export function decide(command: BookingCommand, state: BookingState): Decision {
  if (command.type === 'RequestBooking') return requestBooking(command, state);
  if (state === null) return refuse(reject('BOOKING_NOT_FOUND', 'Booking not found.'));
  switch (command.type) {
    case 'AcceptBooking':
      return acceptBooking(command, state);
    case 'StartTrip':
      return startTrip(command, state);
    case 'CompleteTrip':
      return completeTrip(command, state);
    case 'CancelBooking':
      return cancelBooking(command, state);
    case 'ExpireBooking':
      return expireBooking(command, state);
    default:
      return assertNever(command);
  }
}

function requestBooking(command: RequestBooking, state: BookingState): Decision {
  if (state !== null) return refuse(reject('BOOKING_EXISTS', 'Booking already exists.'));
  if (command.riderActiveBookings !== null && command.riderActiveBookings >= command.riderActiveBookingLimit) {
    const limit = command.riderActiveBookingLimit;
    return refuse(
      reject(
        'RIDER_HAS_ACTIVE_BOOKING',
        limit === 1
          ? 'You already have an active booking; complete or cancel it first.'
          : `You already have ${command.riderActiveBookings} active bookings (at most ${limit}); complete or cancel one first.`,
      ),
    );
  }
  return accept({
    type: 'BookingRequested',
    occurredAt: command.now,
    data: {
      booking_id: command.bookingId,
      user_id: command.userId,
      pickup: command.pickup,
      dropoff: command.dropoff,
      estimated_cost: command.estimatedCost,
      expires_at: command.expiresAt,
    },
  });
}

const isPastDeadline = (booking: Booking, now: string) => Date.parse(now) >= Date.parse(booking.expiresAt);

const expiredEvent = (booking: Booking, now: string): BookingDomainEvent => ({
  type: 'BookingExpired',
  occurredAt: now,
  data: { booking_id: booking.bookingId, user_id: booking.userId },
});

/**
 * Only a driver dispatch offered the booking to may take it; that is checked before its status,
 * so a driver it was never offered to learns nothing about it. An offer dispatch later revoked
 * still counts: dispatch revokes only when the booking is accepted, cancelled or expires, so
 * the status then gives the truer answer (taken, no longer pending).
 */
function acceptBooking(command: AcceptBooking, booking: Booking): Decision {
  if (!command.offered) return refuse(reject('NOT_OFFERED', 'This booking was not offered to you.'));
  if (booking.status === 'pending' && isPastDeadline(booking, command.now)) {
    return refuse(reject('BOOKING_NOT_PENDING', 'Booking has expired.'), expiredEvent(booking, command.now));
  }
  if (booking.status !== 'pending') {
    const taken = booking.driverId !== null && booking.driverId !== command.driverId;
    return taken
      ? refuse(reject('BOOKING_TAKEN', 'Booking already taken by another driver.'))
      : refuse(reject('BOOKING_NOT_PENDING', `Booking is ${booking.status}, no longer pending.`));
  }
  if (command.driverActiveBookingId !== null && command.driverActiveBookingId !== booking.bookingId) {
    return refuse(reject('DRIVER_BUSY', 'You already have an accepted booking or a trip in progress.'));
  }
  const ids = { booking_id: booking.bookingId, user_id: booking.userId, driver_id: command.driverId };
  return accept(
    { type: 'BookingAccepted', occurredAt: command.now, data: ids },
    { type: 'OtpIssued', occurredAt: command.now, data: { booking_id: booking.bookingId, otp_hash: command.otpHash } },
  );
}

function requireAssignedDriver(booking: Booking, driverId: string): Rejection | null {
  return booking.driverId === driverId ? null : reject('NOT_YOUR_BOOKING', 'This booking is not assigned to you.');
}

function startTrip(command: StartTrip, booking: Booking): Decision {
  const notYours = requireAssignedDriver(booking, command.driverId);
  if (notYours) return refuse(notYours);
  if (booking.status !== 'accepted') {
    return refuse(reject('INVALID_TRANSITION', `Cannot start a trip of a booking that is ${booking.status}.`));
  }
  if (booking.otpFailedAttempts >= MAX_OTP_ATTEMPTS) {
    return refuse(reject('OTP_ATTEMPTS_EXHAUSTED', 'Too many wrong OTP attempts.'));
  }
  if (booking.otpHash === null || command.otpHash !== booking.otpHash) {
    const failed = booking.otpFailedAttempts + 1;
    return refuse(reject('WRONG_OTP', `Wrong OTP (${MAX_OTP_ATTEMPTS - failed} attempts left).`), {
      type: 'OtpRejected',
      occurredAt: command.now,
      data: { booking_id: booking.bookingId, failed_attempts: failed },
    });
  }
  return accept({
    type: 'TripStarted',
    occurredAt: command.now,
    data: { booking_id: booking.bookingId, user_id: booking.userId, driver_id: command.driverId },
  });
}

function completeTrip(command: CompleteTrip, booking: Booking): Decision {
  const notYours = requireAssignedDriver(booking, command.driverId);
  if (notYours) return refuse(notYours);
  if (booking.status !== 'on_trip') {
    return refuse(reject('INVALID_TRANSITION', `Cannot complete a booking that is ${booking.status}.`));
  }
  return accept({
    type: 'TripCompleted',
    occurredAt: command.now,
    data: { booking_id: booking.bookingId, user_id: booking.userId, driver_id: command.driverId },
  });
}

function cancelBooking(command: CancelBooking, booking: Booking): Decision {
  const { actor } = command;
  if (actor.kind === 'user' && actor.id !== booking.userId) {
    return refuse(reject('NOT_YOUR_BOOKING', 'This booking is not yours.'));
  }
  if (actor.kind === 'driver') {
    const notYours = requireAssignedDriver(booking, actor.id);
    if (notYours) return refuse(notYours);
  }
  if (!isCancellableBy(booking.status, actor.kind)) {
    return refuse(reject('INVALID_TRANSITION', `A booking that is ${booking.status} cannot be cancelled.`));
  }
  return accept({
    type: 'BookingCancelled',
    occurredAt: command.now,
    data: {
      booking_id: booking.bookingId,
      user_id: booking.userId,
      driver_id: booking.driverId,
      cancelled_by: actor.kind,
      reason: command.reason,
    },
  });
}

function expireBooking(command: ExpireBooking, booking: Booking): Decision {
  if (booking.status !== 'pending') {
    return refuse(reject('BOOKING_NOT_PENDING', `Booking is ${booking.status}; only a pending booking expires.`));
  }
  if (!isPastDeadline(booking, command.now)) {
    return refuse(reject('INVALID_TRANSITION', 'Booking has not reached its deadline yet.'));
  }
  return accept(expiredEvent(booking, command.now));
}
