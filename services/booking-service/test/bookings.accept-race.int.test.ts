/**
 * Many drivers accepting one booking at the same moment: exactly one wins, every other gets
 * 409 BOOKING_TAKEN, and the stream (and Kafka) records one acceptance. Each booking is offered
 * to every racer (only an offered driver may accept), and the winner then cancels, so that it
 * (not DRIVER_BUSY) and the rider (one active booking) are free for the next round.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BookingClient } from './support/http-client.ts';
import { startTestBookingSystem, type TestBookingSystem } from './support/booking-system.ts';
import { OfferPublisher } from './support/offers.ts';
import { TopicReader } from '@rideline/test-support';

let running: TestBookingSystem;
beforeAll(async () => {
  running = await startTestBookingSystem();
});
afterAll(() => running?.close());

it('lets exactly one of 25 concurrent drivers accept, for each of 10 bookings', { timeout: 90_000 }, async () => {
  const client = new BookingClient(running.system.app);
  const offers = new OfferPublisher(running.system.kafka.publisher);
  const rider = await client.registerUser();
  const drivers = await Promise.all(Array.from({ length: 25 }, () => client.registerDriver()));
  const bookings: { booking_id: string }[] = [];

  for (let round = 0; round < 10; round++) {
    // One booking at a time: the rider holds one active booking (the winner's cancel ends it).
    const { booking_id: id } = await client.book(rider);
    bookings.push({ booking_id: id });
    await offers.offer(id, ...drivers.map((driver) => driver.id));
    const answers = await Promise.all(drivers.map((driver) => client.act(driver, id, 'accept')));
    const winners = answers.filter((answer) => answer.statusCode === 200);
    expect(winners).toHaveLength(1);
    const losers = answers.filter((answer) => answer.statusCode !== 200);
    expect(losers.map((answer) => [answer.statusCode, answer.json().code])).toEqual(losers.map(() => [409, 'BOOKING_TAKEN']));
    const winner = winners[0]!.json().driver_id;
    const view = await client.request({ method: 'GET', url: `/bookings/${id}`, token: rider.token });
    expect(view.json()).toMatchObject({ status: 'accepted', driver_id: winner });
    const winnerSession = drivers.find((driver) => driver.id === winner)!;
    expect((await client.act(winnerSession, id, 'cancel')).statusCode).toBe(200);
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
