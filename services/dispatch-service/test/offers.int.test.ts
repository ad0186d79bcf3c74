import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricSum } from '@rideline/test-support';
import { areas, dropTopics, north, startHarness, type Harness } from './support/dispatch-harness.ts';
import { bookingAccepted, bookingCancelled, bookingExpired, bookingRequested, driverStatus, tripCompleted } from './support/messages.ts';
import { settled } from './support/sentinel.ts';

/** Offers through the real broker: booking.events and driver.locations in, dispatch.offers out. */
let h: Harness;
const nextArea = areas();

beforeAll(async () => {
  // A long window: no second round muddles these tests (rounds.int.test.ts covers rounds).
  h = await startHarness({ DISPATCH_OFFER_WINDOW_MS: '60000', DISPATCH_MAX_DRIVERS_PER_ROUND: '5' });
});
afterAll(async () => {
  await h?.close();
  if (h) await dropTopics(h.topics, [h.group]);
});

async function driver(at: { lat: number; lng: number }, options: { available?: boolean; reportedAt?: Date } = {}): Promise<string> {
  const driverId = randomUUID();
  await h.publish(
    'driverLocations',
    driverId,
    driverStatus(driverId, { location: at, available: options.available ?? true, ...(options.reportedAt ? { reportedAt: options.reportedAt } : {}) }),
  );
  return driverId;
}

/** Waits until the state has folded these drivers (the offers would otherwise race them). */
async function seen(...driverIds: string[]): Promise<void> {
  await h.reader.waitFor(() => driverIds.every((id) => h.system.state.drivers.get(id) !== undefined));
}

const offered = (bookingId: string) =>
  h
    .offersOf(bookingId)
    .filter((r) => r.type === 'BookingOffered')
    .map((r) => r.data.driver_id);
const revoked = (bookingId: string) =>
  h
    .offersOf(bookingId)
    .filter((r) => r.type === 'OfferRevoked')
    .map((r) => `${r.data.driver_id}:${r.data.reason}`);

describe('a BookingRequested', () => {
  it('is offered to the near available drivers, and to nobody far, busy, unavailable or stale', async () => {
    const pickup = nextArea();
    const near = await driver(north(pickup, 300));
    const alsoNear = await driver(north(pickup, 1200));
    const far = await driver(north(pickup, 30_000));
    const busy = await driver(north(pickup, 200));
    const unavailable = await driver(north(pickup, 250), { available: false });
    const stale = await driver(north(pickup, 100), { reportedAt: new Date(Date.now() - 90_000) });
    await h.publish('bookingEvents', 'other', bookingAccepted('other-booking', busy));
    await seen(near, alsoNear, far, busy, unavailable, stale);
    await h.reader.waitFor(() => h.system.state.drivers.get(busy)?.activeBookingIds.length === 1);

    const bookingId = randomUUID();
    await h.publish('bookingEvents', bookingId, bookingRequested(bookingId, pickup));
    await h.reader.waitFor(() => offered(bookingId).length >= 2);
    expect(offered(bookingId).sort()).toEqual([near, alsoNear].sort());

    const offer = h.offersOf(bookingId).find((r) => r.data.driver_id === near);
    expect(offer?.key).toBe(near); // keyed by driver id
    expect(offer?.data).toMatchObject({ booking_id: bookingId, distance_m: 300, pickup: { address: 'Pickup street 1' }, estimated_cost: 150 });
    // Nobody else, and nobody twice.
    await settled([h], [bookingId]);
    expect(offered(bookingId).sort()).toEqual([near, alsoNear].sort());
  });

  it('widens the search when nobody is within the first radius', async () => {
    const pickup = nextArea();
    const at8km = await driver(north(pickup, 8000));
    const at15km = await driver(north(pickup, 15_000));
    await seen(at8km, at15km);
    const bookingId = randomUUID();
    await h.publish('bookingEvents', bookingId, bookingRequested(bookingId, pickup));
    await h.reader.waitFor(() => offered(bookingId).length >= 1);
    expect(offered(bookingId)).toEqual([at8km]);
  });

  it('frees a driver again when the trip completes', async () => {
    const pickup = nextArea();
    const d = await driver(north(pickup, 500));
    // Each step is awaited: a driver not yet seen as busy also has no active booking, so waiting
    // only for "freed" could pass before the accept was folded (CI saw that race).
    await h.publish('bookingEvents', 'trip', bookingAccepted('trip', d));
    await h.reader.waitFor(() => h.system.state.drivers.get(d)?.activeBookingIds.length === 1);
    await h.publish('bookingEvents', 'trip', tripCompleted('trip', d));
    await h.reader.waitFor(() => h.system.state.drivers.get(d)?.activeBookingIds.length === 0 && h.system.state.drivers.get(d)?.available);
    const bookingId = randomUUID();
    await h.publish('bookingEvents', bookingId, bookingRequested(bookingId, pickup));
    await h.reader.waitFor(() => offered(bookingId).length >= 1);
    expect(offered(bookingId)).toEqual([d]);
  });
});

describe('when the booking is taken, cancelled or expires', () => {
  async function offeredTo(count: number): Promise<{ bookingId: string; drivers: string[] }> {
    const pickup = nextArea();
    const drivers: string[] = [];
    for (let i = 0; i < count; i++) drivers.push(await driver(north(pickup, 100 * (i + 1))));
    await seen(...drivers);
    const bookingId = randomUUID();
    await h.publish('bookingEvents', bookingId, bookingRequested(bookingId, pickup));
    await h.reader.waitFor(() => offered(bookingId).length === count);
    return { bookingId, drivers };
  }

  it('every other driver offered it gets OfferRevoked (accepted)', async () => {
    const { bookingId, drivers } = await offeredTo(3);
    const [taker, ...others] = drivers as [string, ...string[]];
    await h.publish('bookingEvents', bookingId, bookingAccepted(bookingId, taker));
    await h.reader.waitFor(() => revoked(bookingId).length === 2);
    expect(revoked(bookingId).sort()).toEqual(others.map((d) => `${d}:accepted`).sort());
    const revocation = h.offersOf(bookingId).find((r) => r.type === 'OfferRevoked');
    expect(revocation?.key).toBe(revocation?.data.driver_id);
  });

  it('every driver offered it gets OfferRevoked (cancelled, expired)', async () => {
    const cancelled = await offeredTo(2);
    await h.publish('bookingEvents', cancelled.bookingId, bookingCancelled(cancelled.bookingId));
    const expired = await offeredTo(2);
    await h.publish('bookingEvents', expired.bookingId, bookingExpired(expired.bookingId));
    await h.reader.waitFor(() => revoked(cancelled.bookingId).length === 2 && revoked(expired.bookingId).length === 2);
    expect(revoked(cancelled.bookingId).sort()).toEqual(cancelled.drivers.map((d) => `${d}:cancelled`).sort());
    expect(revoked(expired.bookingId).sort()).toEqual(expired.drivers.map((d) => `${d}:expired`).sort());
  });

  it('a repeated event changes nothing', async () => {
    const { bookingId, drivers } = await offeredTo(2);
    const accepted = bookingAccepted(bookingId, drivers[0]!);
    await h.publish('bookingEvents', bookingId, accepted);
    await h.publish('bookingEvents', bookingId, accepted);
    await h.publish('bookingEvents', bookingId, bookingCancelled(bookingId));
    await h.reader.waitFor(() => revoked(bookingId).length === 1);
    await settled([h], [bookingId]);
    expect(revoked(bookingId)).toEqual([`${drivers[1]}:accepted`]);
  });
});

describe('metrics', () => {
  it('count offers sent, revocations by reason (expired too) and location updates, and the index size', async () => {
    const response = await h.system.app.inject({ url: '/metrics' });
    const text = response.body;
    const value = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('rideline_dispatch_offers_sent_total')).toBeGreaterThanOrEqual(10);
    expect(text).toMatch(/rideline_dispatch_offers_revoked_total\{reason="accepted",service="dispatch-service"\} [1-9]/);
    expect(text).toMatch(/rideline_dispatch_location_updates_total\{source="topic",service="dispatch-service"\} [1-9]/);
    expect(value('rideline_dispatch_index_size')).toBeGreaterThan(0);
    // The offers of the booking that expired above, at least (the file's tests run in order).
    expect(metricSum(text, 'rideline_dispatch_offers_revoked_total', { reason: 'expired' })).toBeGreaterThanOrEqual(2);
  });
});
