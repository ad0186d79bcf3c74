import { Check } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { BOOKING_STATUS_LIST, BookingEvent, BookingStatus, STATUS_AFTER_EVENT, statusesWhere, statusText } from '../src/index.ts';

describe('booking statuses', () => {
  it('lists exactly the statuses the schema accepts', () => {
    expect(BOOKING_STATUS_LIST).toEqual(['pending', 'accepted', 'on_trip', 'completed', 'cancelled', 'expired']);
    for (const status of BOOKING_STATUS_LIST) expect(Check(BookingStatus, status)).toBe(true);
    expect(Check(BookingStatus, 'archived')).toBe(false);
  });

  it('are active until completed, cancelled or expired', () => {
    expect(statusesWhere((traits) => traits.phase === 'active')).toEqual(['pending', 'accepted', 'on_trip']);
    expect(statusesWhere((traits) => traits.phase === 'ended')).toEqual(['completed', 'cancelled', 'expired']);
  });

  it('hold their driver while accepted or on a trip', () => {
    expect(statusesWhere((traits) => traits.holdsDriver)).toEqual(['accepted', 'on_trip']);
  });

  it('tell a cancellation by who cancelled it', () => {
    expect(statusText('user', 'cancelled', 'driver')).toBe('Your booking has been cancelled by the driver.');
    expect(statusText('user', 'cancelled', null)).toBe('Your booking has been cancelled.');
    expect(statusText('driver', 'cancelled', 'driver')).toBe('You have cancelled the booking.');
    expect(statusText('driver', 'cancelled', 'user')).toBe('The booking has been cancelled by the user.');
  });

  it('follow every public booking event', () => {
    const eventTypes = BookingEvent.anyOf.map((schema) => schema.properties.type.const);
    expect(Object.keys(STATUS_AFTER_EVENT).sort()).toEqual([...eventTypes].sort());
  });
});
