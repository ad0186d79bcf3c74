/**
 * Loading a stream decodes each stored row: today's shapes pass, a known older shape is
 * upgraded on the way in (here a BookingCancelled written without `driver_id` and `reason`),
 * and a row of no known shape stops the load instead of reaching the fold. Real PostgreSQL rows,
 * written by SQL as an older version would have left them. An accept's load reads, in the same
 * statement, whether the offer is stored and the booking the driver holds.
 */
import { randomUUID } from 'node:crypto';
import { DEFAULT_TOPIC_NAMES, type BookingStatus } from '@rideline/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { BookingEventStore } from '../src/bookings/event-store.ts';
import { UnreadableStoredEvent } from '../src/bookings/stored-events.ts';
import { fold } from '../src/domain/booking.ts';
import { OfferStore } from '../src/offers/offer-store.ts';
import { useScratchDatabase } from './support/scratch-database.ts';

const db = useScratchDatabase('rideline_booking_upcast');
let store: BookingEventStore;

beforeAll(() => {
  store = new BookingEventStore(db.prisma, DEFAULT_TOPIC_NAMES);
});

const place = (address: string) => ({ lat: 12.97, lng: 77.59, address });

/** Writes rows straight into `stored_events`, versions 1, 2, ... in the order given (inserted last first if `reversed`). */
async function storeRows(bookingId: string, rows: readonly { type: string; payload: object }[], reversed = false): Promise<void> {
  const numbered = [...rows.entries()];
  for (const [index, row] of reversed ? numbered.reverse() : numbered) {
    await db.prisma.$executeRaw`
      INSERT INTO stored_events (stream_id, stream_version, event_id, event_type, payload, occurred_at)
      VALUES (${bookingId}, ${index + 1}, ${randomUUID()}::uuid, ${row.type}, ${JSON.stringify(row.payload)}::jsonb,
              ${`2026-11-26T10:0${index}:00.000Z`}::timestamptz)`;
  }
}

function acceptedStream(bookingId: string, userId: string, driverId: string) {
  return [
    {
      type: 'BookingRequested',
      payload: {
        booking_id: bookingId,
        user_id: userId,
        pickup: place('123 Street, City'),
        dropoff: place('456 Avenue, City'),
        estimated_cost: 300,
        expires_at: '2026-11-26T10:02:00.000Z',
      },
    },
    { type: 'BookingAccepted', payload: { booking_id: bookingId, user_id: userId, driver_id: driverId } },
    { type: 'OtpIssued', payload: { booking_id: bookingId, otp_hash: 'hash-of-the-otp' } },
  ];
}

describe('loading a stream', () => {
  it('upgrades a BookingCancelled of the older shape, taking its driver from the stream', async () => {
    const [bookingId, userId, driverId] = [randomUUID(), randomUUID(), randomUUID()];
    await storeRows(bookingId, [
      ...acceptedStream(bookingId, userId, driverId),
      { type: 'BookingCancelled', payload: { booking_id: bookingId, user_id: userId, cancelled_by: 'driver' } },
    ]);

    const loaded = await store.load(bookingId);

    expect(loaded.map((recorded) => recorded.version)).toEqual([1, 2, 3, 4]);
    expect(loaded[3]!.event).toEqual({
      type: 'BookingCancelled',
      occurredAt: '2026-11-26T10:03:00.000Z',
      data: { booking_id: bookingId, user_id: userId, driver_id: driverId, cancelled_by: 'driver', reason: null },
    });
    expect(fold(loaded.map((recorded) => recorded.event))).toMatchObject({ status: 'cancelled', driverId });
  });

  it('reads the current shape as it is', async () => {
    const [bookingId, userId, driverId] = [randomUUID(), randomUUID(), randomUUID()];
    const cancelled = { booking_id: bookingId, user_id: userId, driver_id: driverId, cancelled_by: 'user', reason: 'plans changed' };
    await storeRows(bookingId, [...acceptedStream(bookingId, userId, driverId), { type: 'BookingCancelled', payload: cancelled }]);

    const loaded = await store.load(bookingId);

    expect(loaded[3]!.event.data).toEqual(cancelled);
    expect(loaded[2]!.event).toEqual({
      type: 'OtpIssued',
      occurredAt: '2026-11-26T10:02:00.000Z',
      data: { booking_id: bookingId, otp_hash: 'hash-of-the-otp' },
    });
  });

  it('refuses a row of no known shape, naming it, rather than fold it', async () => {
    const [bookingId, userId] = [randomUUID(), randomUUID()];
    // An acceptance without its driver: neither today's shape nor an older one.
    await storeRows(bookingId, [
      ...acceptedStream(bookingId, userId, randomUUID()).slice(0, 1),
      { type: 'BookingAccepted', payload: { booking_id: bookingId, user_id: userId } },
    ]);

    const failure = await store.load(bookingId).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(UnreadableStoredEvent);
    expect(failure).toMatchObject({ streamId: bookingId, streamVersion: 2, eventType: 'BookingAccepted' });
    expect((failure as Error).message).toMatch(/driver_id/);
  });

  it('refuses an event type it does not know', async () => {
    const bookingId = randomUUID();
    await storeRows(bookingId, [{ type: 'BookingTeleported', payload: { booking_id: bookingId } }]);

    await expect(store.load(bookingId)).rejects.toThrow(/unknown event type/);
  });
});

describe('loading a stream for an accept', () => {
  const offers = () => new OfferStore(db.prisma);
  const offer = (bookingId: string, driverId: string) =>
    offers().recordRun(
      [
        {
          event_id: randomUUID(),
          type: 'BookingOffered',
          version: 1,
          occurred_at: '2026-11-26T10:00:30.000Z',
          data: {
            booking_id: bookingId,
            driver_id: driverId,
            pickup: place('123 Street, City'),
            dropoff: place('456 Avenue, City'),
            estimated_cost: 300,
            distance_m: 1000,
            offered_at: '2026-11-26T10:00:30.000Z',
          },
        },
      ],
      { topic: 'test.dispatch.offers', partition: 0, offset: '0' },
    );
  /** A row of the `bookings` read model: `driverId`'s booking, in `status`. */
  const project = (driverId: string, status: BookingStatus) => {
    const bookingId = randomUUID();
    const at = new Date('2026-11-26T09:00:00.000Z');
    return db.prisma.booking
      .create({
        data: {
          bookingId,
          userId: randomUUID(),
          driverId,
          status,
          pickup: place('1 Lane'),
          dropoff: place('2 Lane'),
          estimatedCost: 120,
          createdAt: at,
          updatedAt: at,
          expiresAt: at,
          version: 2,
        },
      })
      .then(() => bookingId);
  };

  it('reads the stream in order, the stored offer and the booking the driver holds', async () => {
    const [bookingId, userId, driverId] = [randomUUID(), randomUUID(), randomUUID()];
    // Inserted last version first: the order read is the stream's, not the table's.
    await storeRows(bookingId, acceptedStream(bookingId, userId, randomUUID()), true);
    await offer(bookingId, driverId);
    const held = await project(driverId, 'on_trip');

    const reading = await store.loadForAccept(bookingId, driverId);

    expect(reading.history.map((recorded) => recorded.version)).toEqual([1, 2, 3]);
    expect(reading.history).toEqual(await store.load(bookingId));
    expect(reading.offered).toBe(true);
    expect(reading.driverActiveBookingId).toBe(held);
  });

  it('answers not offered and no booking held, however close the rows that do not count', async () => {
    const [bookingId, userId, driverId] = [randomUUID(), randomUUID(), randomUUID()];
    await storeRows(bookingId, acceptedStream(bookingId, userId, randomUUID()).slice(0, 1));
    // Offered to another driver, and another booking offered to this one.
    await offer(bookingId, randomUUID());
    await offer(randomUUID(), driverId);
    // The driver's bookings that no longer hold the driver, and another driver's that does.
    await project(driverId, 'completed');
    await project(driverId, 'cancelled');
    await project(randomUUID(), 'accepted');

    const reading = await store.loadForAccept(bookingId, driverId);

    expect(reading.history.map((recorded) => recorded.event.type)).toEqual(['BookingRequested']);
    expect(reading.offered).toBe(false);
    expect(reading.driverActiveBookingId).toBeNull();
  });

  it('answers for a booking with no events: no history, and the offer and the held booking all the same', async () => {
    const [bookingId, driverId, idle] = [randomUUID(), randomUUID(), randomUUID()];
    await offer(bookingId, driverId);
    const held = await project(driverId, 'accepted');

    expect(await store.loadForAccept(bookingId, driverId)).toEqual({ history: [], offered: true, driverActiveBookingId: held });
    expect(await store.loadForAccept(bookingId, idle)).toEqual({ history: [], offered: false, driverActiveBookingId: null });
  });

  it('decodes the stream as load does, refusing a row of no known shape', async () => {
    const bookingId = randomUUID();
    await storeRows(bookingId, [{ type: 'BookingTeleported', payload: { booking_id: bookingId } }]);

    await expect(store.loadForAccept(bookingId, randomUUID())).rejects.toThrow(UnreadableStoredEvent);
  });
});
