import { randomUUID } from 'node:crypto';
import { ManualClock } from '@rideline/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { areas, dropTopics, north, startHarness, type Harness } from './support/dispatch-harness.ts';
import { bookingAccepted, bookingRequested, driverStatus } from './support/messages.ts';
import { settled } from './support/sentinel.ts';

/** Offer rounds on the clock, which the tests move: one driver a round. */
const WINDOW_MS = 1_500;
let h: Harness;
const nextArea = areas();
const clock = new ManualClock();

beforeAll(async () => {
  h = await startHarness({ DISPATCH_OFFER_WINDOW_MS: String(WINDOW_MS), DISPATCH_MAX_DRIVERS_PER_ROUND: '1' }, undefined, { clock });
});

async function until(what: string, predicate: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Once the round just read has armed the timer of the next one, moves the clock past it. */
async function nextWindow(): Promise<void> {
  await until('the next round armed', () => clock.pending === 1);
  clock.advance(WINDOW_MS + 10); // the dispatcher fires a few ms late rather than early
}
afterAll(async () => {
  await h?.close();
  if (h) await dropTopics(h.topics, [h.group]);
});

async function drivers(pickup: { lat: number; lng: number }, metres: readonly number[]): Promise<string[]> {
  const ids = metres.map(() => randomUUID());
  for (const [i, driverId] of ids.entries()) {
    await h.publish('driverLocations', driverId, driverStatus(driverId, { location: north(pickup, metres[i]!), available: true }));
  }
  await h.reader.waitFor(() => ids.every((id) => h.system.state.drivers.get(id) !== undefined));
  return ids;
}

const offers = (bookingId: string) => h.offersOf(bookingId).filter((r) => r.type === 'BookingOffered');

describe('offer rounds', () => {
  it('offer the booking to the next drivers each window, widening when the near ones are used up', async () => {
    const pickup = nextArea();
    const [a, b, far] = await drivers(pickup, [100, 200, 8000]);
    const bookingId = randomUUID();
    await h.publish('bookingEvents', bookingId, bookingRequested(bookingId, pickup, { at: clock.now() }));
    await h.reader.waitFor(() => offers(bookingId).length === 1);
    await nextWindow();
    await h.reader.waitFor(() => offers(bookingId).length === 2);
    await nextWindow();
    await h.reader.waitFor(() => offers(bookingId).length === 3);
    const offered = offers(bookingId);
    expect(offered.map((r) => r.data.driver_id)).toEqual([a, b, far]);
    const times = offered.map((r) => Date.parse(r.data.offered_at ?? ''));
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(WINDOW_MS);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(WINDOW_MS);

    // Accepted by the second: the first and the third lose it.
    await h.publish('bookingEvents', bookingId, bookingAccepted(bookingId, b!));
    await h.reader.waitFor(() => h.offersOf(bookingId).filter((r) => r.type === 'OfferRevoked').length === 2);
    const revoked = h
      .offersOf(bookingId)
      .filter((r) => r.type === 'OfferRevoked')
      .map((r) => r.data.driver_id);
    expect(revoked.sort()).toEqual([a, far].sort());
  });

  it('start no round once the booking has expired', async () => {
    const pickup = nextArea();
    const [a, b] = await drivers(pickup, [100, 200, 300, 400, 500]);
    const bookingId = randomUUID();
    await until('no round armed from the test before', () => clock.pending === 0);
    // Rounds at 0 and 1.5 s; the next one would start at 3 s, after the expiry at 2.5 s.
    await h.publish('bookingEvents', bookingId, bookingRequested(bookingId, pickup, { expiresInMs: 2_500, at: clock.now() }));
    await h.reader.waitFor(() => offers(bookingId).length === 1);
    await nextWindow();
    await h.reader.waitFor(() => offers(bookingId).length === 2);
    // The second round is marked published, so its step has armed the next round or not.
    await until('the second round done', () => h.system.state.offers.pending(bookingId).length === 0);
    expect(clock.pending).toBe(0);
    clock.advance(2 * WINDOW_MS);
    await settled([h], [bookingId]);
    expect(offers(bookingId).map((r) => r.data.driver_id)).toEqual([a, b]);
  });
});
