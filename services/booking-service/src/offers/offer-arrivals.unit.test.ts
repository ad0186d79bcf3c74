import { describe, expect, it } from 'vitest';
import { OfferArrivals } from './offer-arrivals.ts';
import type { DispatchOfferEnvelope } from './offer-store.ts';

const BOOKING = '6f1c1f0e-0000-4000-8000-000000000001';
const DRIVER = '6f1c1f0e-0000-4000-8000-000000000002';
const OTHER = '6f1c1f0e-0000-4000-8000-000000000003';

const offered = (bookingId: string, driverId: string) =>
  ({ type: 'BookingOffered', data: { booking_id: bookingId, driver_id: driverId } }) as unknown as DispatchOfferEnvelope;
const revoked = (bookingId: string, driverId: string) =>
  ({ type: 'OfferRevoked', data: { booking_id: bookingId, driver_id: driverId } }) as unknown as DispatchOfferEnvelope;

describe('OfferArrivals', () => {
  it('wakes an accept once a run holding its offer is stored', async () => {
    const arrivals = new OfferArrivals();
    const arrival = arrivals.expect(BOOKING, DRIVER);
    const waited = arrival.within(5_000);
    arrivals.stored([offered(BOOKING, OTHER), revoked(BOOKING, DRIVER)]);
    arrivals.stored([offered(BOOKING, DRIVER)]);
    expect(await waited).toBe(true);
    arrival.cancel();
    expect(arrivals.waiting).toBe(0);
  });

  it('counts an offer stored between expect and within (the lookup in between found nothing)', async () => {
    const arrivals = new OfferArrivals();
    const arrival = arrivals.expect(BOOKING, DRIVER);
    arrivals.stored([offered(BOOKING, DRIVER)]);
    expect(await arrival.within(0)).toBe(true);
    arrival.cancel();
  });

  it('gives up after the timeout when no such offer is stored, and forgets the accept once cancelled', async () => {
    const arrivals = new OfferArrivals();
    const arrival = arrivals.expect(BOOKING, DRIVER);
    arrivals.stored([offered(BOOKING, OTHER), revoked(BOOKING, DRIVER)]);
    expect(await arrival.within(20)).toBe(false);
    expect(arrivals.waiting).toBe(1);
    arrival.cancel();
    expect(arrivals.waiting).toBe(0);
  });
});
