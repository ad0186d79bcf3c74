import type { Place } from '@rideline/contracts';

/**
 * What callers ask of a booking. Time, ids, the cost and the OTP's hash arrive on the command,
 * computed at the edge, so that deciding stays pure.
 */
type Actor = { readonly kind: 'user'; readonly id: string } | { readonly kind: 'driver'; readonly id: string };

export interface RequestBooking {
  readonly type: 'RequestBooking';
  readonly bookingId: string;
  readonly userId: string;
  readonly pickup: Place;
  readonly dropoff: Place;
  readonly estimatedCost: number;
  readonly expiresAt: string;
  readonly now: string;
  /**
   * How many of the rider's bookings are pending (before their deadline), accepted or on a trip;
   * null when not counted: the caller then writes the booking only if the rider has room, checked
   * where it writes, and decides again with the count when the rider has none.
   */
  readonly riderActiveBookings: number | null;
  /** How many such bookings a rider may hold at once. */
  readonly riderActiveBookingLimit: number;
}

export interface AcceptBooking {
  readonly type: 'AcceptBooking';
  readonly driverId: string;
  /** Keyed hash of the OTP generated for this acceptance. */
  readonly otpHash: string;
  readonly now: string;
  /** Whether dispatch offered this booking to this driver (revoked offers included). */
  readonly offered: boolean;
  /** The booking the driver holds accepted or on a trip, if any. */
  readonly driverActiveBookingId: string | null;
}

export interface StartTrip {
  readonly type: 'StartTrip';
  readonly driverId: string;
  /** Keyed hash of the OTP the driver typed in. */
  readonly otpHash: string;
  readonly now: string;
}

export interface CompleteTrip {
  readonly type: 'CompleteTrip';
  readonly driverId: string;
  readonly now: string;
}

export interface CancelBooking {
  readonly type: 'CancelBooking';
  readonly actor: Actor;
  readonly reason: string | null;
  readonly now: string;
}

export interface ExpireBooking {
  readonly type: 'ExpireBooking';
  readonly now: string;
}

export type BookingCommand = RequestBooking | AcceptBooking | StartTrip | CompleteTrip | CancelBooking | ExpireBooking;
