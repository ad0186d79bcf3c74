import { describe, expect, it } from 'vitest';
import { DEFAULT_TOPIC_NAMES, decodeMessage } from '../src/index.ts';

const requested = {
  event_id: '8d6b1f3e-3c1a-4c61-9d2a-5f7f3a9c2b10',
  type: 'BookingRequested',
  version: 1,
  occurred_at: '2026-11-26T10:00:00.000Z',
  data: {
    booking_id: 'b-1',
    user_id: 'u-1',
    pickup: { lat: 12.97, lng: 77.59, address: '123 Street, City' },
    dropoff: { lat: 12.99, lng: 77.61, address: '456 Avenue, City' },
    estimated_cost: 300,
    expires_at: '2026-11-26T10:02:00.000Z',
  },
};

describe('topic names', () => {
  it('are the names of API.md by default', () => {
    expect(DEFAULT_TOPIC_NAMES).toMatchObject({
      bookingEvents: 'booking.events',
      bookingNotifications: 'booking.notifications',
      driverLocations: 'driver.locations',
      dispatchOffers: 'dispatch.offers',
    });
  });
});

describe('decodeMessage', () => {
  it('accepts a well-formed envelope', () => {
    const result = decodeMessage('bookingEvents', Buffer.from(JSON.stringify(requested)));
    expect(result.ok).toBe(true);
  });

  it.each([
    ['no value', null, 'no value'],
    ['not JSON', '{oops', 'not JSON'],
    ['an unknown type', JSON.stringify({ ...requested, type: 'Nope' }), 'schema'],
    ['a non-uuid event id', JSON.stringify({ ...requested, event_id: 'x' }), 'schema'],
    ['version 0', JSON.stringify({ ...requested, version: 0 }), 'schema'],
    [
      'a latitude out of range',
      JSON.stringify({
        ...requested,
        data: { ...requested.data, pickup: { ...requested.data.pickup, lat: 91 } },
      }),
      'schema',
    ],
  ])('refuses %s without throwing', (_name, value, reason) => {
    const result = decodeMessage('bookingEvents', value);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });

  it('refuses a message sent to the wrong topic', () => {
    expect(decodeMessage('dispatchOffers', JSON.stringify(requested)).ok).toBe(false);
  });
});
