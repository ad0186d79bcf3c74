import type {
  AvailableBookingMessage,
  BookingStatusMessage,
  BookingStatusValue,
  BookingUnavailableMessage,
  OtpMessage,
  ServerMessage,
  SocketErrorMessage,
} from '@rideline/contracts';
import type { Endpoint } from './endpoints.ts';

/**
 * Builds every message a socket receives. Their shapes are the contract's (`@rideline/contracts`
 * socket-messages: the fields of websocket-api.md plus `type`, API.md); their texts are written
 * here only, so the texts below are the single source of what clients read.
 */
export type BookingStatus = BookingStatusValue;
export type RevocationReason = 'accepted' | 'cancelled' | 'expired';
export type Canceller = 'user' | 'driver';

export type OutboundMessage = ServerMessage;
export type OutboundType = OutboundMessage['type'];

/** Which side of a booking a status message is written for. */
export type Audience = 'user' | 'driver';

export const TEXTS = {
  invalidToken: 'Invalid or expired token.',
  malformed: 'Malformed WebSocket request.',
  otp: 'Your booking has been accepted. Here is your OTP to start the trip.',
  availableBooking: 'A new booking is available.',
  driverDisconnected: 'Driver disconnected from the available bookings group.',
  user: {
    pending: 'Your booking is pending. We are finding a driver for you.',
    accepted: 'Your booking has been accepted by the driver.',
    on_trip: 'The trip has started.',
    completed: 'The trip has been completed.',
    cancelledByUser: 'Your booking has been cancelled.',
    cancelledByDriver: 'Your booking has been cancelled by the driver.',
    expired: 'No driver accepted your booking in time. It has expired.',
  },
  driver: {
    accepted: 'You have accepted the booking. Please proceed to the pickup location.',
    on_trip: 'The trip has started. Please proceed to the destination.',
    completed: 'The trip has been completed.',
    cancelledByUser: 'The booking has been cancelled by the user.',
    cancelledByDriver: 'You have cancelled the booking.',
  },
  unavailable: {
    accepted: 'This booking has been accepted by another driver.',
    cancelled: 'This booking has been cancelled.',
    expired: 'This booking has expired.',
  },
} as const;

export function statusText(audience: Audience, status: BookingStatus, cancelledBy: Canceller | null): string {
  if (status === 'cancelled') {
    const byDriver = cancelledBy === 'driver';
    return audience === 'user'
      ? byDriver ? TEXTS.user.cancelledByDriver : TEXTS.user.cancelledByUser
      : byDriver ? TEXTS.driver.cancelledByDriver : TEXTS.driver.cancelledByUser;
  }
  if (audience === 'user') return TEXTS.user[status];
  switch (status) {
    case 'accepted':
    case 'on_trip':
    case 'completed':
      return TEXTS.driver[status];
    // A driver is never assigned to a pending or expired booking; say what happened anyway.
    case 'pending':
      return TEXTS.user.pending;
    case 'expired':
      return TEXTS.unavailable.expired;
    default:
      return status satisfies never;
  }
}

export const bookingStatusMessage = (
  audience: Audience,
  bookingId: string,
  status: BookingStatus,
  cancelledBy: Canceller | null,
): BookingStatusMessage => ({
  type: 'booking_status',
  booking_id: bookingId,
  status,
  message: statusText(audience, status, cancelledBy),
});

export const otpMessage = (bookingId: string, otp: string): OtpMessage => ({
  type: 'otp',
  booking_id: bookingId,
  otp,
  message: TEXTS.otp,
});

export const availableBookingMessage = (offer: {
  readonly bookingId: string;
  readonly pickupAddress: string;
  readonly dropoffAddress: string;
  readonly estimatedCost: number;
}): AvailableBookingMessage => ({
  type: 'available_booking',
  booking_id: offer.bookingId,
  pickup_location: offer.pickupAddress,
  dropoff_location: offer.dropoffAddress,
  estimated_cost: offer.estimatedCost,
  message: TEXTS.availableBooking,
});

export const bookingUnavailableMessage = (bookingId: string, reason: RevocationReason): BookingUnavailableMessage => ({
  type: 'booking_unavailable',
  booking_id: bookingId,
  message: TEXTS.unavailable[reason],
});

export const errorMessage = (message: string): SocketErrorMessage => ({ type: 'error', success: false, message });

/** Sent when a frame cannot be understood (API.md: the 400 body, plus `type`). */
export const MALFORMED_FRAME: Readonly<SocketErrorMessage> = errorMessage(TEXTS.malformed);
/** Sent before closing with 4001, and when an in-band refresh is refused. */
export const INVALID_TOKEN: Readonly<SocketErrorMessage> = errorMessage(TEXTS.invalidToken);
/**
 * The spec's disconnection message, sent before the server closes an available-bookings
 * socket. API.md's list of types has none for it; it is an `error` (the connection is ending
 * for a reason the driver did not choose), with the spec's text.
 */
export const DRIVER_DISCONNECTED: Readonly<SocketErrorMessage> = errorMessage(TEXTS.driverDisconnected);

/** Whether the server owes this endpoint the disconnection notice before it closes. */
export const announcesDisconnection = (endpoint: Endpoint): boolean => endpoint === 'driver_available_bookings';
