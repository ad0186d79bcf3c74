/**
 * The read model is a projection of `booking.events`: replaying the topic from its start, as a
 * fresh consumer group would, rebuilds exactly the rows the service keeps, for rides that went
 * every way (completed, cancelled by either side, expired, still pending or on a trip).
 */
import { decodeMessage } from '@rideline/contracts';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ReadModelReplay, type BookingEnvelope } from './support/read-model-replay.ts';
import { BookingClient } from './support/http-client.ts';
import { startTestBookingSystem, type TestBookingSystem } from './support/booking-system.ts';
import { OfferPublisher } from './support/offers.ts';
import { openOtpNotice } from './support/otp-notice.ts';
import { TopicReader } from '@rideline/test-support';

let running: TestBookingSystem;

beforeAll(async () => {
  // One rider makes all 24 bookings, some left accepted or on a trip: the per-rider limit is raised.
  running = await startTestBookingSystem({
    BOOKING_PENDING_TIMEOUT_SECONDS: '1',
    BOOKING_EXPIRY_SWEEP_INTERVAL_MS: '100',
    RIDER_MAX_ACTIVE_BOOKINGS: '24',
  });
});
afterAll(() => running?.close());

it('rebuilds the same read model from booking.events', async () => {
  const client = new BookingClient(running.system.app);
  const offers = new OfferPublisher(running.system.kafka.publisher);
  const [rider, driver] = await Promise.all([client.registerUser(), client.registerDriver()]);
  // A booking left accepted or on a trip keeps its driver busy: those get a driver of their own
  // (registered up front: a booking's 1 s deadline leaves no time for it).
  const ownDrivers = await Promise.all(Array.from({ length: 8 }, () => client.registerDriver()));
  const otpReader = await TopicReader.start(running.system.kafka.kafka, [running.config.topics.bookingNotifications]);
  const otpOf = async (bookingId: string) => {
    const records = await otpReader.waitFor((all) => all.some((r) => (r.value as { data: { booking_id: string } }).data.booking_id === bookingId));
    const notice = records.find((r) => (r.value as { data: { booking_id: string } }).data.booking_id === bookingId)!;
    return openOtpNotice(notice.value, running.config.lifecycle.otpNoticeKey);
  };

  const ids: string[] = [];
  for (let i = 0; i < 24; i++) {
    const { booking_id: id } = await client.book(rider);
    ids.push(id);
    const path = i % 6;
    if (path === 0) continue; // left pending: expires
    const driverOf = path === 1 || path === 4 ? ownDrivers.pop()! : driver;
    await offers.offer(id, driverOf.id);
    expect((await client.act(driverOf, id, 'accept')).statusCode).toBe(200);
    if (path === 1) continue; // accepted
    if (path === 2) {
      await client.act(rider, id, 'cancel', { reason: 'late' });
      continue;
    }
    if (path === 3) {
      await client.act(driverOf, id, 'cancel');
      continue;
    }
    await client.act(driverOf, id, 'start', { otp: await otpOf(id) });
    if (path === 5) await client.act(driverOf, id, 'complete');
  }
  await otpReader.stop();
  // Let the pending ones expire (1 s deadline, swept every 100 ms).
  await expect.poll(() => running.system.prisma.booking.count({ where: { status: 'pending' } }), { timeout: 10_000 }).toBe(0);

  const rows = await running.system.prisma.booking.findMany({ where: { bookingId: { in: ids } } });
  // How many public events each booking has: what a replay of the topic must have seen.
  const published = await running.system.prisma.storedEvent.groupBy({
    by: ['streamId'],
    where: { streamId: { in: ids }, eventType: { notIn: ['OtpIssued', 'OtpRejected'] } },
    _count: true,
  });
  const expectedVersions = new Map(published.map((row) => [row.streamId, row._count]));
  const reader = await TopicReader.start(running.system.kafka.kafka, [running.config.topics.bookingEvents]);
  const replay = new ReadModelReplay();
  await reader.waitFor((records) => {
    const seen = new Map<string, number>();
    for (const r of records) {
      const v = r.value as { version: number; data: { booking_id: string } };
      seen.set(v.data.booking_id, Math.max(seen.get(v.data.booking_id) ?? 0, v.version));
    }
    return ids.every((id) => seen.get(id) === expectedVersions.get(id));
  });
  await reader.stop();
  for (const record of reader.records) {
    const decoded = decodeMessage('bookingEvents', JSON.stringify(record.value));
    expect(decoded.ok).toBe(true);
    if (decoded.ok) replay.apply(decoded.message as BookingEnvelope);
    if (decoded.ok) replay.apply(decoded.message as BookingEnvelope); // a duplicate delivery changes nothing
  }

  const rebuilt = replay.bookings();
  expect(new Set(rows.map((r) => r.status))).toEqual(new Set(['expired', 'accepted', 'cancelled', 'on_trip', 'completed']));
  for (const row of rows) {
    const replayed = rebuilt.get(row.bookingId);
    expect(replayed, row.bookingId).toMatchObject({
      bookingId: row.bookingId,
      userId: row.userId,
      driverId: row.driverId,
      status: row.status,
      pickup: row.pickup,
      dropoff: row.dropoff,
      estimatedCost: row.estimatedCost,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      expiresAt: row.expiresAt.toISOString(),
    });
  }
});
