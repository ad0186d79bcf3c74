import type { Endpoint } from './endpoints.ts';
import { availableBookingMessage, bookingStatusMessage, otpMessage, type OutboundMessage } from './messages.ts';
import type { Projection } from './projection.ts';

/**
 * What a socket receives first when it opens, so that a client reconnecting after a gap misses
 * nothing: the status of each of the principal's active bookings (and of those that ended within
 * the window, so an ending that happened while away is not lost), the OTP of an accepted booking
 * to its user, and, on the available-bookings endpoint, the offers still open for the driver.
 */
export function snapshotFor(projection: Projection, endpoint: Endpoint, principalId: string, endedSinceMs: number): OutboundMessage[] {
  switch (endpoint) {
    case 'bookings':
      return projection.bookingsOfUser(principalId, endedSinceMs).flatMap((view) => {
        const status = bookingStatusMessage('user', view.bookingId, view.status, view.cancelledBy);
        return view.status === 'accepted' && view.otp !== null ? [status, otpMessage(view.bookingId, view.otp)] : [status];
      });
    case 'driver_bookings':
      return projection
        .bookingsOfDriver(principalId, endedSinceMs)
        .map((view) => bookingStatusMessage('driver', view.bookingId, view.status, view.cancelledBy));
    case 'driver_available_bookings':
      return projection.openOffersOf(principalId).map(availableBookingMessage);
    case 'ops_live':
      // Not from this projection: the ops board sends its own (src/ops/ops-live.ts).
      return [];
    default:
      return endpoint satisfies never;
  }
}
