/**
 * A rider holds at most RIDER_MAX_ACTIVE_BOOKINGS bookings pending, accepted or on a trip
 * (default 1): one more is refused with 409 RIDER_HAS_ACTIVE_BOOKING, also when the requests
 * arrive at the same instant; once a booking completes, is cancelled or expires, the rider can
 * book again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BookingClient, DROPOFF, PICKUP, type Session } from './support/http-client.ts';
import { startTestBookingSystem, type TestBookingSystem } from './support/booking-system.ts';
import { OfferPublisher } from './support/offers.ts';
import { otpFrom } from './support/otp-notice.ts';
import { TopicReader } from '@rideline/test-support';

const post = (client: BookingClient, rider: Session) =>
  client.request({ method: 'POST', url: '/bookings', token: rider.token, payload: { pickup: PICKUP, dropoff: DROPOFF } });

async function concurrentPosts(client: BookingClient, rider: Session, count: number) {
  const answers = await Promise.all(Array.from({ length: count }, () => post(client, rider)));
  const refused = answers.filter((answer) => answer.statusCode !== 201);
  expect(refused.map((answer) => [answer.statusCode, answer.json().code])).toEqual(refused.map(() => [409, 'RIDER_HAS_ACTIVE_BOOKING']));
  return answers.length - refused.length;
}

describe('with the default limit of one', () => {
  let running: TestBookingSystem;
  let client: BookingClient;

  beforeAll(async () => {
    // A short deadline, so that expiry can be waited for.
    running = await startTestBookingSystem({ BOOKING_PENDING_TIMEOUT_SECONDS: '3', BOOKING_EXPIRY_SWEEP_INTERVAL_MS: '100' });
    client = new BookingClient(running.system.app);
  });
  afterAll(() => running?.close());

  it('refuses a second booking with 409 RIDER_HAS_ACTIVE_BOOKING, in the API error body', async () => {
    const rider = await client.registerUser();
    expect((await post(client, rider)).statusCode).toBe(201);
    const second = await post(client, rider);
    expect(second.statusCode).toBe(409);
    expect(second.json()).toEqual({
      success: false,
      code: 'RIDER_HAS_ACTIVE_BOOKING',
      message: 'You already have an active booking; complete or cancel it first.',
    });
    // Another rider is not held up.
    expect((await post(client, await client.registerUser())).statusCode).toBe(201);
  });

  it('lets exactly one of many simultaneous requests of one rider through', { timeout: 60_000 }, async () => {
    for (let round = 0; round < 5; round++) {
      const rider = await client.registerUser();
      expect([round, await concurrentPosts(client, rider, 12)]).toEqual([round, 1]);
      expect(await running.system.prisma.booking.count({ where: { userId: rider.id } })).toBe(1);
    }
  });

  it('lets the rider book again once the booking is cancelled, completed or expired', { timeout: 60_000 }, async () => {
    const [rider, driver] = await Promise.all([client.registerUser(), client.registerDriver()]);
    const offers = new OfferPublisher(running.system.kafka.publisher);
    const reader = await TopicReader.start(running.system.kafka.kafka, [running.config.topics.bookingNotifications]);
    try {
      const cancelled = await client.book(rider);
      expect((await client.act(rider, cancelled.booking_id, 'cancel')).statusCode).toBe(200);

      const completed = await client.book(rider);
      await offers.offer(completed.booking_id, driver.id);
      expect((await client.act(driver, completed.booking_id, 'accept')).statusCode).toBe(200);
      expect((await post(client, rider)).json().code).toBe('RIDER_HAS_ACTIVE_BOOKING');
      const otp = await otpFrom(reader, completed.booking_id, running.config.lifecycle.otpNoticeKey);
      expect((await client.act(driver, completed.booking_id, 'start', { otp })).statusCode).toBe(200);
      expect((await post(client, rider)).json().code).toBe('RIDER_HAS_ACTIVE_BOOKING');
      expect((await client.act(driver, completed.booking_id, 'complete')).statusCode).toBe(200);

      const expiring = await client.book(rider);
      expect((await post(client, rider)).json().code).toBe('RIDER_HAS_ACTIVE_BOOKING');
      await expect
        .poll(async () => (await running.system.prisma.booking.findUnique({ where: { bookingId: expiring.booking_id } }))?.status, {
          timeout: 15_000,
        })
        .toBe('expired');
      expect((await post(client, rider)).statusCode).toBe(201);
    } finally {
      await reader.stop();
    }
  });
});

describe('with RIDER_MAX_ACTIVE_BOOKINGS=3', () => {
  let running: TestBookingSystem;
  let client: BookingClient;

  beforeAll(async () => {
    running = await startTestBookingSystem({ RIDER_MAX_ACTIVE_BOOKINGS: '3' });
    client = new BookingClient(running.system.app);
  });
  afterAll(() => running?.close());

  it('lets exactly three of many simultaneous requests through, and names the limit', { timeout: 60_000 }, async () => {
    for (let round = 0; round < 4; round++) {
      const rider = await client.registerUser();
      expect([round, await concurrentPosts(client, rider, 12)]).toEqual([round, 3]);
    }
    const rider = await client.registerUser();
    for (let i = 0; i < 3; i++) await client.book(rider);
    expect((await post(client, rider)).json()).toMatchObject({ code: 'RIDER_HAS_ACTIVE_BOOKING', message: expect.stringContaining('at most 3') });
  });
});
