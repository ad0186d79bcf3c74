import { describe, expect, it } from 'vitest';
import { statusText, TEXTS } from './messages.ts';

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
