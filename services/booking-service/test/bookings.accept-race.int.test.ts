/**
 * Many drivers accepting one booking at the same moment: exactly one wins, every other gets
 * 409 BOOKING_TAKEN, and the stream (and Kafka) records one acceptance.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BookingClient } from './support/http-client.ts';
import { startTestBookingSystem, type TestBookingSystem } from './support/booking-system.ts';
import { TopicReader } from './support/topic-reader.ts';

let running: TestBookingSystem;
beforeAll(async () => {
  running = await startTestBookingSystem();
});
afterAll(() => running?.close());

it('lets exactly one of 25 concurrent drivers accept, for each of 10 bookings', async () => {
  const client = new BookingClient(running.system.app);
  const rider = await client.registerUser();
  const drivers = await Promise.all(Array.from({ length: 25 }, () => client.registerDriver()));
  const bookings = await Promise.all(Array.from({ length: 10 }, () => client.book(rider)));

  for (const { booking_id: id } of bookings) {
    const answers = await Promise.all(drivers.map((driver) => client.act(driver, id, 'accept')));
    const winners = answers.filter((answer) => answer.statusCode === 200);
    expect(winners).toHaveLength(1);
    const losers = answers.filter((answer) => answer.statusCode !== 200);
    expect(losers.map((answer) => [answer.statusCode, answer.json().code])).toEqual(
      losers.map(() => [409, 'BOOKING_TAKEN']),
    );
    const winner = winners[0]!.json().driver_id;
    const view = await client.request({ method: 'GET', url: `/bookings/${id}`, token: rider.token });
    expect(view.json()).toMatchObject({ status: 'accepted', driver_id: winner });
  }

  const ids = bookings.map((b) => b.booking_id);
  const accepted = await running.system.prisma.storedEvent.groupBy({
    by: ['streamId'],
    where: { streamId: { in: ids }, eventType: 'BookingAccepted' },
    _count: true,
  });
  expect(accepted.map((row) => row._count)).toEqual(ids.map(() => 1));

  const reader = await TopicReader.start(running.system.kafka.kafka, [running.config.topics.bookingEvents]);
  const records = await reader.waitFor((all) => all.filter((r) => (r.value as { type: string }).type === 'BookingAccepted').length >= 10);
  await reader.stop();
  expect(records.filter((r) => (r.value as { type: string }).type === 'BookingAccepted')).toHaveLength(10);
});
