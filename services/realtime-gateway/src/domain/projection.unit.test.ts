import type { TopicMessage } from '@rideline/contracts';
import { describe, expect, it } from 'vitest';
import { Projection, type Delivery, type OtpNotice } from './projection.ts';
import { snapshotFor } from './snapshot.ts';

type BookingEvent = TopicMessage<'bookingEvents'>;
let seq = 0;
const id = (prefix: string) => `${prefix}-${++seq}`;
const T0 = Date.UTC(2026, 10, 26, 12, 0, 0);
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const envelope = (type: string, version: number, seconds: number) => ({ event_id: id('e'), type, version, occurred_at: at(seconds) });
const place = (address: string) => ({ lat: 1, lng: 2, address });

const U = 'user-1';
const D = 'driver-1';
const requested = (b: string, s = 0, user = U) =>
  ({
    ...envelope('BookingRequested', 1, s),
    data: { booking_id: b, user_id: user, pickup: place('A'), dropoff: place('B'), estimated_cost: 10, expires_at: at(120) },
  }) as BookingEvent;
const withDriver = (type: 'BookingAccepted' | 'TripStarted' | 'TripCompleted', b: string, version: number, s: number) =>
  ({ ...envelope(type, version, s), data: { booking_id: b, user_id: U, driver_id: D } }) as BookingEvent;
const cancelled = (b: string, by: 'user' | 'driver', driver: string | null, version: number, s: number) =>
  ({ ...envelope('BookingCancelled', version, s), data: { booking_id: b, user_id: U, driver_id: driver, cancelled_by: by, reason: null } }) as BookingEvent;
/** An OtpIssued notice as the feed hands it over, its sealed OTP opened (src/feed/otp-notices.ts). */
const otp = (b: string, code: string, version = 2, user = U): OtpNotice => ({
  ...envelope('OtpIssued', version, 1),
  type: 'OtpIssued',
  data: { booking_id: b, user_id: user, otp: code },
});
const offered = (b: string, driver = D): TopicMessage<'dispatchOffers'> => ({
  ...envelope('BookingOffered', 1, 0),
  type: 'BookingOffered',
  data: { booking_id: b, driver_id: driver, pickup: place('Pickup St'), dropoff: place('Drop Ave'), estimated_cost: 12.5, distance_m: 100, offered_at: at(0) },
});
const revoked = (b: string, reason: 'accepted' | 'cancelled' | 'expired', driver = D): TopicMessage<'dispatchOffers'> => ({
  ...envelope('OfferRevoked', 1, 1),
  type: 'OfferRevoked',
  data: { booking_id: b, driver_id: driver, reason },
});
const summary = (deliveries: readonly Delivery[]) =>
  deliveries.map((d) => `${d.endpoint}:${d.principalId}:${d.message.type}:${'status' in d.message ? d.message.status : ''}`);

describe('Projection', () => {
  it('routes each status change to the user, and to the driver once assigned', () => {
    const p = new Projection();
    const b = id('b');
    expect(summary(p.applyBookingEvent(requested(b)).deliveries)).toEqual([`bookings:${U}:booking_status:pending`]);
    expect(summary(p.applyBookingEvent(withDriver('BookingAccepted', b, 2, 1)).deliveries)).toEqual([
      `bookings:${U}:booking_status:accepted`,
      `driver_bookings:${D}:booking_status:accepted`,
    ]);
    expect(summary(p.applyBookingEvent(withDriver('TripStarted', b, 4, 2)).deliveries)).toEqual([
      `bookings:${U}:booking_status:on_trip`,
      `driver_bookings:${D}:booking_status:on_trip`,
    ]);
    expect(p.booking(b)).toMatchObject({ status: 'on_trip', version: 4, driverId: D });
  });

  it('ignores duplicates by event_id and versions no newer than held', () => {
    const p = new Projection();
    const b = id('b');
    const first = requested(b);
    p.applyBookingEvent(first);
    expect(p.applyBookingEvent(first)).toEqual({ deliveries: [], ignored: 'duplicate' });
    expect(p.applyBookingEvent({ ...first, event_id: id('e') })).toEqual({ deliveries: [], ignored: 'stale' });
    p.applyBookingEvent(withDriver('BookingAccepted', b, 3, 1));
    expect(p.applyBookingEvent(withDriver('BookingAccepted', b, 2, 1)).ignored).toBe('stale');
  });

  it('refuses an event that names another user for a known booking', () => {
    const p = new Projection();
    const b = id('b');
    p.applyBookingEvent(requested(b));
    expect(p.applyBookingEvent({ ...requested(b, 1, 'intruder'), version: 2 }).ignored).toBe('foreign user');
    expect(p.applyNotification(otp(b, '123456', 2, 'intruder')).ignored).toBe('foreign user');
  });

  it('sends the OTP to the user only, holding one that overtakes its acceptance', () => {
    const p = new Projection();
    const b = id('b');
    p.applyBookingEvent(requested(b));
    expect(p.applyNotification(otp(b, '123456')).deliveries).toEqual([]);
    const accepted = p.applyBookingEvent(withDriver('BookingAccepted', b, 2, 1)).deliveries;
    expect(summary(accepted)).toEqual([`bookings:${U}:booking_status:accepted`, `driver_bookings:${D}:booking_status:accepted`, `bookings:${U}:otp:`]);
    expect(accepted.filter((d) => d.message.type === 'otp').every((d) => d.endpoint === 'bookings')).toBe(true);

    const later = id('b');
    p.applyBookingEvent(requested(later));
    p.applyBookingEvent(withDriver('BookingAccepted', later, 2, 1));
    expect(summary(p.applyNotification(otp(later, '654321')).deliveries)).toEqual([`bookings:${U}:otp:`]);
    expect(p.applyNotification(otp(later, '654321')).ignored).toBe('duplicate');
  });

  it('forgets the OTP once the trip starts', () => {
    const p = new Projection();
    const b = id('b');
    p.applyBookingEvent(requested(b));
    p.applyBookingEvent(withDriver('BookingAccepted', b, 2, 1));
    p.applyNotification(otp(b, '123456'));
    p.applyBookingEvent(withDriver('TripStarted', b, 4, 2));
    expect(p.booking(b)?.otp).toBeNull();
    expect(p.applyNotification({ ...otp(b, '999999'), event_id: id('e') }).ignored).toBe('trip already started or ended');
  });

  it('tracks offers per driver: offered, revoked once, never re-offered for a taken booking', () => {
    const p = new Projection();
    const b = id('b');
    expect(p.applyOffer(offered(b)).deliveries[0]?.message).toEqual({
      type: 'available_booking',
      booking_id: b,
      pickup_location: 'Pickup St',
      dropoff_location: 'Drop Ave',
      estimated_cost: 12.5,
      message: 'A new booking is available.',
    });
    expect(p.applyOffer({ ...offered(b) }).ignored).toBe('duplicate');
    expect(p.applyOffer(revoked(b, 'cancelled')).deliveries[0]?.message).toEqual({
      type: 'booking_unavailable',
      booking_id: b,
      message: 'This booking has been cancelled.',
    });
    expect(p.applyOffer(revoked(b, 'cancelled')).ignored).toBe('no open offer');
    const taken = id('b');
    p.applyBookingEvent(requested(taken));
    p.applyBookingEvent(withDriver('BookingAccepted', taken, 2, 1));
    expect(p.applyOffer(offered(taken)).ignored).toBe('booking no longer pending');
  });

  it('snapshots: active bookings, recent endings, OTP while accepted, open offers', () => {
    const p = new Projection();
    const [pending, accepted, ended, old] = [id('b'), id('b'), id('b'), id('b')];
    p.applyBookingEvent(requested(old, 0));
    p.applyBookingEvent(cancelled(old, 'user', null, 2, 1));
    p.applyBookingEvent(requested(ended, 100));
    p.applyBookingEvent(withDriver('BookingAccepted', ended, 2, 101));
    p.applyBookingEvent(cancelled(ended, 'driver', D, 4, 102));
    p.applyBookingEvent(requested(accepted, 103));
    p.applyBookingEvent(withDriver('BookingAccepted', accepted, 2, 104));
    p.applyNotification(otp(accepted, '123456'));
    p.applyBookingEvent(requested(pending, 105));
    const openOffer = id('b');
    p.applyOffer(offered(openOffer));
    p.applyOffer(offered(accepted));

    const since = T0 + 50_000;
    expect(snapshotFor(p, 'bookings', U, since).map((m) => [m.type, 'booking_id' in m ? m.booking_id : '', 'status' in m ? m.status : ''])).toEqual([
      ['booking_status', ended, 'cancelled'],
      ['booking_status', accepted, 'accepted'],
      ['otp', accepted, ''],
      ['booking_status', pending, 'pending'],
    ]);
    expect(snapshotFor(p, 'driver_bookings', D, since)).toEqual([
      { type: 'booking_status', booking_id: ended, status: 'cancelled', message: 'You have cancelled the booking.' },
      { type: 'booking_status', booking_id: accepted, status: 'accepted', message: 'You have accepted the booking. Please proceed to the pickup location.' },
    ]);
    expect(snapshotFor(p, 'driver_available_bookings', D, since).map((m) => ('booking_id' in m ? m.booking_id : ''))).toEqual([openOffer]);
    expect(snapshotFor(p, 'bookings', 'someone-else', since)).toEqual([]);
  });

  it('evicts what has not changed within the retention window', () => {
    const p = new Projection();
    const [old, fresh] = [id('b'), id('b')];
    p.applyBookingEvent(requested(old, 0));
    p.applyBookingEvent(requested(fresh, 1_000));
    p.applyOffer(offered(old));
    expect(p.evict(T0 + 500_000)).toBe(1);
    expect(p.booking(old)).toBeUndefined();
    expect(p.booking(fresh)).toBeDefined();
    expect(p.stats).toMatchObject({ bookings: 1, driversWithOffers: 0 });
  });
});
