import { BOOKING_STATUS_LIST, decodeServerMessage, statusText, type Canceller, type OfferRevocationReason } from '@rideline/contracts';
import { describe, expect, it } from 'vitest';
import {
  availableBookingMessage,
  bookingStatusMessage,
  bookingUnavailableMessage,
  DRIVER_DISCONNECTED,
  INVALID_TOKEN,
  MALFORMED_FRAME,
  otpMessage,
  TEXTS,
  type Audience,
} from './messages.ts';

describe('message texts', () => {
  it('use the spec’s sentences where the spec gives one', () => {
    expect(statusText('user', 'accepted', null)).toBe('Your booking has been accepted by the driver.');
    expect(statusText('user', 'on_trip', null)).toBe('The trip has started.');
    expect(statusText('driver', 'on_trip', null)).toBe('The trip has started. Please proceed to the destination.');
    expect(TEXTS.otp).toBe('Your booking has been accepted. Here is your OTP to start the trip.');
    expect(TEXTS.availableBooking).toBe('A new booking is available.');
    expect(TEXTS.driverDisconnected).toBe('Driver disconnected from the available bookings group.');
    expect(TEXTS.invalidToken).toBe('Invalid or expired token.');
    expect(TEXTS.malformed).toBe('Malformed WebSocket request.');
  });

  it('say who cancelled, from each side', () => {
    expect(statusText('user', 'cancelled', 'user')).toBe('Your booking has been cancelled.');
    expect(statusText('user', 'cancelled', 'driver')).toBe('Your booking has been cancelled by the driver.');
    expect(statusText('driver', 'cancelled', 'user')).toBe('The booking has been cancelled by the user.');
    expect(statusText('driver', 'cancelled', 'driver')).toBe('You have cancelled the booking.');
  });
});

describe('every message the builders produce matches its contract schema', () => {
  const bookingId = '8d6b1f3e-3c1a-4c61-9d2a-5f7f3a9c2b10';
  const audiences: Audience[] = ['user', 'driver'];
  const statuses = BOOKING_STATUS_LIST;
  const cancellers: (Canceller | null)[] = [null, 'user', 'driver'];
  const reasons: OfferRevocationReason[] = ['accepted', 'cancelled', 'expired'];

  // The wire form is JSON: each message is checked after a round trip, as a client reads it.
  // The schemas are a union told apart by `type`, so passing it is passing the message's own.
  const asReceived = (message: object) => decodeServerMessage(JSON.stringify(message));

  it('booking_status, for each audience, status and canceller', () => {
    for (const audience of audiences) {
      for (const status of statuses) {
        for (const cancelledBy of cancellers) {
          const message = bookingStatusMessage(audience, bookingId, status, cancelledBy);
          expect(asReceived(message)).toEqual(message);
        }
      }
    }
  });

  it('otp, available_booking, booking_unavailable', () => {
    const otp = otpMessage(bookingId, '012345');
    const offer = availableBookingMessage({ bookingId, pickupAddress: '123 Street, City', dropoffAddress: '456 Avenue, City', estimatedCost: 300 });
    for (const message of [otp, offer]) expect(asReceived(message)).toEqual(message);
    for (const reason of reasons) {
      const message = bookingUnavailableMessage(bookingId, reason);
      expect(asReceived(message)).toEqual(message);
    }
  });

  it('the error messages: malformed frame, invalid token, disconnection', () => {
    for (const message of [MALFORMED_FRAME, INVALID_TOKEN, DRIVER_DISCONNECTED]) {
      expect(asReceived(message)).toEqual(message);
    }
  });

  it('keep the wire form of websocket-api.md byte for byte', () => {
    expect(JSON.stringify(otpMessage(bookingId, '123456'))).toBe(
      `{"type":"otp","booking_id":"${bookingId}","otp":"123456","message":"Your booking has been accepted. Here is your OTP to start the trip."}`,
    );
    expect(JSON.stringify(MALFORMED_FRAME)).toBe('{"type":"error","success":false,"message":"Malformed WebSocket request."}');
  });
});
