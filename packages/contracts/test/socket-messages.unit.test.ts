import { describe, expect, it } from 'vitest';
import { decodeServerMessage, isLocationFrame, isRefreshFrame, isServerMessage } from '../src/index.ts';

const bookingId = '8d6b1f3e-3c1a-4c61-9d2a-5f7f3a9c2b10';

// websocket-api.md's samples, with `type` and (for the OTP) `booking_id` as API.md adds them.
const samples = {
  booking_status: { type: 'booking_status', booking_id: bookingId, status: 'on_trip', message: 'The trip has started.' },
  otp: { type: 'otp', booking_id: bookingId, otp: '123456', message: 'Your booking has been accepted. Here is your OTP to start the trip.' },
  available_booking: {
    type: 'available_booking',
    booking_id: bookingId,
    pickup_location: '123 Street, City',
    dropoff_location: '456 Avenue, City',
    estimated_cost: 300.0,
    message: 'A new booking is available.',
  },
  booking_unavailable: { type: 'booking_unavailable', booking_id: bookingId, message: 'This booking has been accepted by another driver.' },
  error: { type: 'error', success: false, message: 'Malformed WebSocket request.' },
} as const;

describe('server messages', () => {
  it.each(Object.entries(samples))('accept a %s message, and extra fields', (_type, message) => {
    expect(isServerMessage(message)).toBe(true);
    expect(decodeServerMessage(JSON.stringify({ ...message, added_later: 1 }))).toEqual({ ...message, added_later: 1 });
  });

  it.each([
    ['not JSON', '{oops'],
    ['no type', JSON.stringify({ booking_id: bookingId, status: 'accepted', message: 'x' })],
    ['an unknown type', JSON.stringify({ ...samples.booking_status, type: 'status' })],
    ['an unknown status', JSON.stringify({ ...samples.booking_status, status: 'done' })],
    ['a numeric booking id', JSON.stringify({ ...samples.booking_status, booking_id: 123 })],
    ['an OTP that is not six digits', JSON.stringify({ ...samples.otp, otp: '12345' })],
    ['an OTP as a number', JSON.stringify({ ...samples.otp, otp: 123456 })],
    ['an OTP without its booking', JSON.stringify({ type: 'otp', otp: '123456', message: 'x' })],
    ['a cost that is a string', JSON.stringify({ ...samples.available_booking, estimated_cost: '300' })],
    ['a negative cost', JSON.stringify({ ...samples.available_booking, estimated_cost: -1 })],
    ['an offer without a pickup', JSON.stringify({ ...samples.available_booking, pickup_location: undefined })],
    ['an error that says success', JSON.stringify({ ...samples.error, success: true })],
    ['an error without a message', JSON.stringify({ type: 'error', success: false })],
    ['an array', '[]'],
    ['null', 'null'],
  ])('refuse %s', (_case, text) => {
    expect(decodeServerMessage(text)).toBeNull();
  });
});

describe('client frames', () => {
  it('accept a location and a refresh, with extra fields', () => {
    expect(isLocationFrame({ type: 'location', lat: 12.97, lng: 77.59 })).toBe(true);
    expect(isLocationFrame({ type: 'location', lat: -90, lng: 180, note: 'x' })).toBe(true);
    expect(isRefreshFrame({ type: 'refresh', token: 'a.b.c' })).toBe(true);
  });

  it.each([
    ['a latitude out of range', { type: 'location', lat: 90.5, lng: 0 }],
    ['a longitude out of range', { type: 'location', lat: 0, lng: -181 }],
    ['an infinite latitude (JSON 1e999)', JSON.parse('{"type":"location","lat":1e999,"lng":0}') as unknown],
    ['a string coordinate', { type: 'location', lat: '1', lng: 0 }],
    ['a missing coordinate', { type: 'location', lat: 1 }],
    ['another type', { type: 'refresh', lat: 1, lng: 2 }],
  ])('refuse a location with %s', (_case, frame) => {
    expect(isLocationFrame(frame)).toBe(false);
  });

  it.each([
    ['an empty token', { type: 'refresh', token: '' }],
    ['a token too long', { type: 'refresh', token: 'a'.repeat(4_097) }],
    ['a token that is not a string', { type: 'refresh', token: 42 }],
    ['no token', { type: 'refresh' }],
    ['another type', { type: 'REFRESH', token: 'abc' }],
  ])('refuse a refresh with %s', (_case, frame) => {
    expect(isRefreshFrame(frame)).toBe(false);
  });
});

describe('the contracts package', () => {
  // Browsers and React Native import it: nothing it loads may need Node.
  it('imports nothing but typebox and its own modules', async () => {
    const { readdir, readFile } = await import('node:fs/promises');
    const folder = new URL('../src/', import.meta.url);
    for (const file of await readdir(folder)) {
      const source = await readFile(new URL(file, folder), 'utf8');
      const imports = [...source.matchAll(/from '([^']+)'/g)].map((match) => match[1]);
      expect(
        imports.filter((name) => !name?.startsWith('./') && !name?.startsWith('typebox')),
        file,
      ).toEqual([]);
    }
  });
});
