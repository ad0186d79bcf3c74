import {
  statusText,
  type AvailableBookingMessage,
  type BookingStatus,
  type BookingStatusMessage,
  type BookingUnavailableMessage,
  type Canceller,
  type OfferRevocationReason,
  type OtpMessage,
  type ServerMessage,
  type SocketErrorMessage,
} from '@rideline/contracts';
import type { Endpoint } from './endpoints.ts';

/**
 * Builds every message a socket receives. Their shapes are the contract's (`@rideline/contracts`
 * socket-messages: the fields of websocket-api.md plus `type`, API.md); so are the texts of
 * `booking_status` (each status's traits in `@rideline/contracts` booking-status). The other
 * texts are written here only, so between the two they are the single source of what clients read.
 */
export type OutboundMessage = ServerMessage;
export type OutboundType = OutboundMessage['type'];

/** Which side of a booking a status message is written for. */
export type Audience = 'user' | 'driver';

/** What a driver is told when an offer is withdrawn, for each reason the contract has. */
const UNAVAILABLE: Readonly<Record<OfferRevocationReason, string>> = {
  accepted: 'This booking has been accepted by another driver.',
  cancelled: 'This booking has been cancelled.',
  expired: 'This booking has expired.',
};

export const TEXTS = {
  invalidToken: 'Invalid or expired token.',
  malformed: 'Malformed WebSocket request.',
  otp: 'Your booking has been accepted. Here is your OTP to start the trip.',
  availableBooking: 'A new booking is available.',
  driverDisconnected: 'Driver disconnected from the available bookings group.',
  unavailable: UNAVAILABLE,
} as const;

export const bookingStatusMessage = (audience: Audience, bookingId: string, status: BookingStatus, cancelledBy: Canceller | null): BookingStatusMessage => ({
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

export const bookingUnavailableMessage = (bookingId: string, reason: OfferRevocationReason): BookingUnavailableMessage => ({
  type: 'booking_unavailable',
  booking_id: bookingId,
  message: TEXTS.unavailable[reason],
});

const errorMessage = (message: string): SocketErrorMessage => ({ type: 'error', success: false, message });

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
