/**
 * OfferStore.recordRun on a real PostgreSQL: a run of `dispatch.offers` records stored by one
 * statement must leave the same rows as storing them one by one in order would.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { OfferStore, type DispatchOfferEnvelope } from '../src/offers/offer-store.ts';
import { useScratchDatabase } from './support/scratch-database.ts';

const db = useScratchDatabase('rideline_offer_store_test');
const topic = 'test.dispatch.offers';
let store: OfferStore;

beforeAll(() => {
  store = new OfferStore(db.prisma);
});

const place = { lat: 12.97, lng: 77.59, address: 'MG Road' };
const offered = (bookingId: string, driverId: string, at: string): DispatchOfferEnvelope => ({
  event_id: randomUUID(),
  type: 'BookingOffered',
  version: 1,
  occurred_at: at,
  data: { booking_id: bookingId, driver_id: driverId, pickup: place, dropoff: place, estimated_cost: 100, distance_m: 1000, offered_at: at },
});

const revoked = (bookingId: string, driverId: string, at: string, reason: 'accepted' | 'expired' | 'cancelled' = 'accepted'): DispatchOfferEnvelope => ({
  event_id: randomUUID(),
  type: 'OfferRevoked',
  version: 2,
  occurred_at: at,
  data: { booking_id: bookingId, driver_id: driverId, reason },
});

async function offerRow(bookingId: string, driverId: string) {
  const rows = await db.prisma.$queryRaw<{ offered_at: Date; revoked_at: Date | null; revoke_reason: string | null }[]>`
    SELECT offered_at, revoked_at, revoke_reason FROM driver_offers WHERE booking_id = ${bookingId}::uuid AND driver_id = ${driverId}::uuid`;
  return rows[0];
}

async function nextOffset(partition: number): Promise<bigint | null> {
  return (await store.lookup(randomUUID(), randomUUID(), topic, partition)).nextOffset;
}

describe('OfferStore.recordRun', () => {
  it('stores an offer revoked later in the same run as revoked, by the first revocation after it', async () => {
    const [booking, driver] = [randomUUID(), randomUUID()];
    await store.recordRun(
      [
        offered(booking, driver, '2026-11-29T10:00:00.000Z'),
        revoked(booking, driver, '2026-11-29T10:00:05.000Z', 'accepted'),
        revoked(booking, driver, '2026-11-29T10:00:09.000Z', 'expired'),
      ],
      { topic, partition: 0, offset: '2' },
    );
    const row = await offerRow(booking, driver);
    expect(row?.offered_at.toISOString()).toBe('2026-11-29T10:00:00.000Z');
    expect(row?.revoked_at?.toISOString()).toBe('2026-11-29T10:00:05.000Z');
    expect(row?.revoke_reason).toBe('accepted');
    expect(await nextOffset(0)).toBe(3n);
  });

  it('ignores a revocation that comes before its offer in the run, as storing one by one would', async () => {
    const [booking, driver] = [randomUUID(), randomUUID()];
    await store.recordRun([revoked(booking, driver, '2026-11-29T10:00:01.000Z'), offered(booking, driver, '2026-11-29T10:00:02.000Z')], {
      topic,
      partition: 1,
      offset: '41',
    });
    const row = await offerRow(booking, driver);
    expect(row?.revoked_at).toBeNull();
    expect(await nextOffset(1)).toBe(42n);
  });

  it('revokes an offer stored by an earlier run, keeps it revoked when it is delivered again, and never moves a position back', async () => {
    const [booking, driver, other] = [randomUUID(), randomUUID(), randomUUID()];
    await store.recordRun([offered(booking, driver, '2026-11-29T11:00:00.000Z')], { topic, partition: 2, offset: '10' });
    await store.recordRun([offered(booking, other, '2026-11-29T11:00:00.000Z'), revoked(booking, driver, '2026-11-29T11:00:03.000Z', 'cancelled')], {
      topic,
      partition: 2,
      offset: '12',
    });
    // At-least-once: the first run is delivered again after the revocation.
    await store.recordRun([offered(booking, driver, '2026-11-29T11:00:00.000Z'), offered(booking, driver, '2026-11-29T11:00:00.000Z')], {
      topic,
      partition: 2,
      offset: '10',
    });
    expect((await offerRow(booking, driver))?.revoke_reason).toBe('cancelled');
    expect((await offerRow(booking, other))?.revoked_at).toBeNull();
    expect(await nextOffset(2)).toBe(13n);
  });

  it('changes nothing for a revocation whose offer was never stored, but still moves the position', async () => {
    const [booking, driver] = [randomUUID(), randomUUID()];
    await store.recordRun([revoked(booking, driver, '2026-11-29T12:00:00.000Z')], { topic, partition: 3, offset: '0' });
    expect(await offerRow(booking, driver)).toBeUndefined();
    expect(await store.isOffered(booking, driver)).toBe(false);
    expect(await nextOffset(3)).toBe(1n);
  });

  it('stores the runs of several partitions at once: a position each, a revocation across the call, idempotent', async () => {
    const [booking, first, second, third] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    await store.recordRun([offered(booking, third, '2026-11-29T13:00:00.000Z')], { topic, partition: 12, offset: '3' });
    const runs = [
      { envelopes: [offered(booking, first, '2026-11-29T13:00:01.000Z')], last: { topic, partition: 10, offset: '7' } },
      {
        envelopes: [offered(booking, second, '2026-11-29T13:00:01.000Z'), revoked(booking, second, '2026-11-29T13:00:04.000Z', 'accepted')],
        last: { topic, partition: 11, offset: '20' },
      },
      // The offer stored by an earlier statement is revoked; this partition's position moves on.
      { envelopes: [revoked(booking, third, '2026-11-29T13:00:04.000Z', 'expired')], last: { topic, partition: 12, offset: '5' } },
    ];
    await store.recordRuns(runs);
    const check = async () => {
      expect((await offerRow(booking, first))?.revoked_at).toBeNull();
      expect((await offerRow(booking, second))?.revoke_reason).toBe('accepted');
      expect((await offerRow(booking, third))?.revoke_reason).toBe('expired');
      expect([await nextOffset(10), await nextOffset(11), await nextOffset(12)]).toEqual([8n, 21n, 6n]);
    };
    await check();
    // Delivered again (at least once), with an older run of partition 10 that must not move it back.
    await store.recordRuns([...runs, { envelopes: [offered(booking, first, '2026-11-29T13:00:01.000Z')], last: { topic, partition: 10, offset: '2' } }]);
    await check();
  });

  it('moves a partition to the furthest of its runs when two come in one call', async () => {
    const [booking, driver, other] = [randomUUID(), randomUUID(), randomUUID()];
    await store.recordRuns([
      { envelopes: [offered(booking, driver, '2026-11-29T14:00:00.000Z')], last: { topic, partition: 13, offset: '4' } },
      {
        envelopes: [revoked(booking, driver, '2026-11-29T14:00:02.000Z'), offered(booking, other, '2026-11-29T14:00:02.000Z')],
        last: { topic, partition: 13, offset: '6' },
      },
    ]);
    expect((await offerRow(booking, driver))?.revoke_reason).toBe('accepted');
    expect((await offerRow(booking, other))?.revoked_at).toBeNull();
    expect(await nextOffset(13)).toBe(7n);
  });
});
