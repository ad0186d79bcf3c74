import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { areas, dropTopics, north, scratchTopics, startHarness, type Harness } from './support/dispatch-harness.ts';
import { bookingAccepted, bookingRequested, driverStatus } from './support/messages.ts';
import { sentinelBookings, settled } from './support/sentinel.ts';

/**
 * Two instances in one group: each keeps the whole state, acts only for the booking.events
 * partitions the group gives it, and takes over the other's when it leaves.
 */
const scratch = scratchTopics();
const nextArea = areas();
const running: Harness[] = [];

afterAll(async () => {
  for (const h of running) await h.close().catch(() => {});
  await dropTopics(scratch.names, [scratch.group]);
});

const start = async () => {
  const h = await startHarness({ DISPATCH_OFFER_WINDOW_MS: '60000' }, scratch);
  running.push(h);
  return h;
};
const owned = (h: Harness) => [...h.system.ownership.partitionsOf('bookingEvents')].sort();

async function offersSent(h: Harness): Promise<number> {
  const text = (await h.system.app.inject({ url: '/metrics' })).body;
  return Number(/^rideline_dispatch_offers_sent_total(?:\{[^}]*\})? (\S+)$/m.exec(text)?.[1]);
}

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('several instances', () => {
  const bookings: { bookingId: string; drivers: [string, string] }[] = [];

  it('split the bookings between them: each booking is offered once, by the owner of its partition', async () => {
    const a = await start();
    const b = await start();
    await until(() => owned(a).length > 0 && owned(b).length > 0 && owned(a).length + owned(b).length === 3);
    expect([...owned(a), ...owned(b)].sort()).toEqual([0, 1, 2]);

    // Bookings until every partition holds one (their keys decide where they go).
    const partitions = () => new Set(bookings.map(({ bookingId }) => a.system.state.offers.partitionOf(bookingId)));
    while (partitions().size < 3 || partitions().has(null)) {
      const pickup = nextArea();
      const drivers: [string, string] = [randomUUID(), randomUUID()];
      for (const [n, driverId] of drivers.entries()) {
        await a.publish('driverLocations', driverId, driverStatus(driverId, { location: north(pickup, 100 * (n + 1)), available: true }));
      }
      await until(() => drivers.every((id) => a.system.state.drivers.get(id) && b.system.state.drivers.get(id)));
      const bookingId = randomUUID();
      await a.publish('bookingEvents', bookingId, bookingRequested(bookingId, pickup));
      bookings.push({ bookingId, drivers });
      await until(() => a.system.state.offers.partitionOf(bookingId) !== null);
    }
    await a.reader.waitFor(() => bookings.every(({ bookingId }) => a.offersOf(bookingId).length === 2));
    await settled([a, b]);
    for (const { bookingId, drivers } of bookings) {
      expect(
        a
          .offersOf(bookingId)
          .map((r) => r.data.driver_id)
          .sort(),
      ).toEqual([...drivers].sort()); // once each, not twice
      // Both instances know of the offers (each reads the other's output), whoever made them.
      for (const h of [a, b]) expect(h.system.state.offers.snapshot(bookingId)?.offered).toHaveLength(2);
    }
    // Each instance sent the offers of the bookings in its own partitions, and only those (and
    // one for each sentinel in them).
    for (const h of [a, b]) {
      const ownedBy = (bookingId: string) => owned(h).includes(h.system.state.offers.partitionOf(bookingId) ?? -1);
      const mine = bookings.filter(({ bookingId }) => ownedBy(bookingId));
      expect(mine.length).toBeGreaterThan(0);
      const expected = 2 * mine.length + [...sentinelBookings].filter(ownedBy).length;
      // The reader may see an offer just before its publisher has the broker's answer and counts it.
      await expect.poll(() => offersSent(h)).toBeGreaterThanOrEqual(expected);
      expect(await offersSent(h)).toBe(expected);
    }
  });

  it("takes over a leaving instance's bookings", async () => {
    const [a, b] = running as [Harness, Harness];
    await a.close();
    running.splice(0, 1);
    await until(() => owned(b).length === 3);
    for (const { bookingId, drivers } of bookings) await b.publish('bookingEvents', bookingId, bookingAccepted(bookingId, drivers[0]));
    const revoked = (bookingId: string) => b.offersOf(bookingId).filter((r) => r.type === 'OfferRevoked');
    await b.reader.waitFor(() => bookings.every(({ bookingId }) => revoked(bookingId).length === 1));
    for (const { bookingId, drivers } of bookings) expect(revoked(bookingId)[0]?.data.driver_id).toBe(drivers[1]);
  });
});
