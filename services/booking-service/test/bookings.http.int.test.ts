/**
 * API.md's Bookings section over HTTP, against the real database and broker: every transition,
 * every refusal and its status, and what reaches Kafka (the envelope; the OTP only on
 * `booking.notifications`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DROPOFF, PICKUP, type Session } from './support/http-client.ts';
import { useTestBookingSystem } from './support/booking-system.ts';
import { openOtpNotice } from './support/otp-notice.ts';
import { TopicReader, type ReadRecord } from '@rideline/test-support';

const h = useTestBookingSystem({ RIDER_MAX_ACTIVE_BOOKINGS: '20' });

let reader: TopicReader;
let rider: Session;
let otherRider: Session;
let driver: Session;
let otherDriver: Session;

beforeAll(async () => {
  // One rider books many times in this file and leaves some bookings accepted: the limit on
  // active bookings per rider is raised here (bookings.rider-limit.int.test.ts tests it).
  reader = await TopicReader.start(h.running.system.kafka.kafka, [h.running.config.topics.bookingEvents, h.running.config.topics.bookingNotifications]);
  [rider, otherRider, driver, otherDriver] = await Promise.all([
    h.client.registerUser(),
    h.client.registerUser(),
    h.client.registerDriver(),
    h.client.registerDriver(),
  ]);
});

afterAll(async () => {
  await reader?.stop();
});

/** Dispatch offers the booking to the driver, who accepts it (the driver must be free). */
async function offerAndAccept(driverSession: Session, bookingId: string) {
  await h.offers.offer(bookingId, driverSession.id);
  const response = await h.client.act(driverSession, bookingId, 'accept');
  expect(response.statusCode).toBe(200);
  return response;
}

const eventsOf = (records: readonly ReadRecord[], bookingId: string) =>
  records.filter((r) => r.key === bookingId) as (ReadRecord & { value: { type: string; version: number; data: Record<string, unknown> } })[];

async function otpFor(bookingId: string): Promise<string> {
  const records = await reader.waitFor((all) =>
    all.some((r) => r.topic === h.running.config.topics.bookingNotifications && (r.value as { data: { booking_id: string } }).data.booking_id === bookingId),
  );
  const notice = records.find(
    (r) => r.topic === h.running.config.topics.bookingNotifications && (r.value as { data: { booking_id: string } }).data.booking_id === bookingId,
  )!;
  return openOtpNotice(notice.value, h.running.config.lifecycle.otpNoticeKey);
}

describe('a whole ride', () => {
  it('goes pending → accepted → on_trip → completed, publishing each event in order', async () => {
    const booked = await h.client.book(rider);
    expect(booked).toMatchObject({ status: 'pending', user_id: rider.id, driver_id: null, pickup: PICKUP, dropoff: DROPOFF });
    expect((booked as unknown as { estimated_cost: number }).estimated_cost).toBeGreaterThan(0);
    const id = booked.booking_id;

    const accepted = await offerAndAccept(driver, id);
    expect(accepted.json()).toMatchObject({ status: 'accepted', driver_id: driver.id });
    expect(accepted.body).not.toMatch(/otp/i);

    const otp = await otpFor(id);
    expect(otp).toMatch(/^\d{6}$/);
    const started = await h.client.act(driver, id, 'start', { otp });
    expect(started.statusCode).toBe(200);
    expect(started.json().status).toBe('on_trip');

    const completed = await h.client.act(driver, id, 'complete');
    expect(completed.json().status).toBe('completed');

    const events = eventsOf(await reader.waitFor((all) => eventsOf(all, id).length === 4), id);
    expect(events.map((e) => [e.value.type, e.value.version])).toEqual([
      ['BookingRequested', 1],
      ['BookingAccepted', 2],
      ['TripStarted', 3],
      ['TripCompleted', 4],
    ]);
    for (const event of events) {
      expect(event.topic).toBe(h.running.config.topics.bookingEvents);
      expect(event.value).toMatchObject({ event_id: expect.stringMatching(/^[0-9a-f-]{36}$/), occurred_at: expect.any(String) });
      expect(JSON.stringify(event.value)).not.toContain(otp);
    }
    const notices = reader.records.filter((r) => r.topic === h.running.config.topics.bookingNotifications);
    const notice = notices.find((r) => (r.value as { data: { booking_id: string } }).data.booking_id === id)!;
    expect(notice.key).toBe(rider.id);
    expect(notice.value).toEqual({
      event_id: expect.any(String),
      type: 'OtpIssued',
      version: 2,
      occurred_at: expect.any(String),
      data: { booking_id: id, user_id: rider.id, otp_sealed: expect.stringMatching(/^[A-Za-z0-9_-]+$/) },
    });
    expect(JSON.stringify(notice.value)).not.toContain(otp);

    const stored = await h.running.system.prisma.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM stored_events WHERE payload::text LIKE ${`%${otp}%`}`;
    expect(Number(stored[0]?.n)).toBe(0);
    // Published rows go once the relay rests: within its delete linger (50 ms) when no other row waits.
    await expect.poll(() => h.running.system.prisma.outboxMessage.count(), { timeout: 5_000, interval: 20 }).toBe(0);
  });

  it('serves the booking to its user and its driver, and lists by principal and status', async () => {
    const { booking_id: id } = await h.client.book(rider);
    await offerAndAccept(driver, id);
    for (const who of [rider, driver]) {
      const response = await h.client.request({ method: 'GET', url: `/bookings/${id}`, token: who.token });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ booking_id: id, status: 'accepted' });
    }
    const mine = await h.client.request({ method: 'GET', url: '/bookings?status=accepted', token: rider.token });
    expect(mine.json().bookings.map((b: { booking_id: string }) => b.booking_id)).toContain(id);
    expect(mine.json().bookings.every((b: { status: string; user_id: string }) => b.status === 'accepted' && b.user_id === rider.id)).toBe(true);
    const assigned = await h.client.request({ method: 'GET', url: '/bookings', token: driver.token });
    expect(assigned.json().bookings.every((b: { driver_id: string }) => b.driver_id === driver.id)).toBe(true);
    const others = await h.client.request({ method: 'GET', url: '/bookings', token: otherRider.token });
    expect(others.json().bookings).toEqual([]);
    // Free the driver (one accepted booking at a time) for the next tests.
    expect((await h.client.act(driver, id, 'cancel')).statusCode).toBe(200);
  });
});

describe('refusals and their statuses', () => {
  it('400 names the bad field', async () => {
    const response = await h.client.request({
      method: 'POST',
      url: '/bookings',
      token: rider.token,
      payload: { pickup: { ...PICKUP, lat: 123 }, dropoff: DROPOFF },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ success: false, code: 'VALIDATION_FAILED' });
    expect(response.json().message).toContain('pickup.lat');
    const badId = await h.client.request({ method: 'GET', url: '/bookings/not-a-uuid', token: rider.token });
    expect(badId.statusCode).toBe(400);
    const badStatus = await h.client.request({ method: 'GET', url: '/bookings?status=flying', token: rider.token });
    expect(badStatus.statusCode).toBe(400);
  });

  it('401 without a valid token, with the exact message', async () => {
    for (const token of [undefined, 'garbage', `${rider.token}x`]) {
      const response = await h.client.request({ method: 'POST', url: '/bookings', payload: { pickup: PICKUP, dropoff: DROPOFF }, ...(token ? { token } : {}) });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ success: false, message: 'Invalid or expired token.' });
    }
  });

  it('403 for the wrong kind of principal or someone else’s booking', async () => {
    expect((await h.client.request({ method: 'POST', url: '/bookings', token: driver.token, payload: { pickup: PICKUP, dropoff: DROPOFF } })).statusCode).toBe(
      403,
    );
    const { booking_id: id } = await h.client.book(rider);
    expect((await h.client.act(rider, id, 'accept')).statusCode).toBe(403);
    expect((await h.client.request({ method: 'GET', url: `/bookings/${id}`, token: otherRider.token })).statusCode).toBe(403);
    expect((await h.client.act(otherRider, id, 'cancel')).statusCode).toBe(403);
    await offerAndAccept(driver, id);
    expect((await h.client.act(otherDriver, id, 'start', { otp: '000000' })).statusCode).toBe(403);
    expect((await h.client.act(otherDriver, id, 'cancel')).statusCode).toBe(403);
    expect((await h.client.act(driver, id, 'cancel')).statusCode).toBe(200);
  });

  it('404 for an unknown booking', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await h.client.request({ method: 'GET', url: `/bookings/${unknown}`, token: rider.token })).statusCode).toBe(404);
    const accept = await h.client.act(driver, unknown, 'accept');
    expect(accept.statusCode).toBe(404);
    expect(accept.json().code).toBe('BOOKING_NOT_FOUND');
  });

  it('409 when another driver has it, or it is no longer pending', async () => {
    const { booking_id: id } = await h.client.book(rider);
    await h.offers.offer(id, otherDriver.id);
    await offerAndAccept(driver, id);
    const second = await h.client.act(otherDriver, id, 'accept');
    expect(second.statusCode).toBe(409);
    expect(second.json().code).toBe('BOOKING_TAKEN');
    expect((await h.client.act(driver, id, 'complete')).statusCode).toBe(409);
    expect((await h.client.act(driver, id, 'cancel')).statusCode).toBe(200);
  });

  it('403 NOT_OFFERED for a driver the booking was not offered to', async () => {
    const { booking_id: id } = await h.client.book(rider);
    const response = await h.client.act(otherDriver, id, 'accept');
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ success: false, code: 'NOT_OFFERED' });
  });

  it('409 DRIVER_BUSY for a driver who already holds an accepted booking', async () => {
    const [first, second] = [await h.client.book(rider), await h.client.book(rider)];
    await h.offers.offer(second.booking_id, driver.id);
    await offerAndAccept(driver, first.booking_id);
    const busy = await h.client.act(driver, second.booking_id, 'accept');
    expect(busy.statusCode).toBe(409);
    expect(busy.json()).toMatchObject({ success: false, code: 'DRIVER_BUSY' });
    expect((await h.client.act(driver, first.booking_id, 'cancel')).statusCode).toBe(200);
  });

  it('409 RIDER_HAS_ACTIVE_BOOKING past RIDER_MAX_ACTIVE_BOOKINGS', async () => {
    const busyRider = await h.client.registerUser();
    for (let i = 0; i < 20; i++) await h.client.book(busyRider);
    const refused = await h.client.request({ method: 'POST', url: '/bookings', token: busyRider.token, payload: { pickup: PICKUP, dropoff: DROPOFF } });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ success: false, code: 'RIDER_HAS_ACTIVE_BOOKING' });
  });

  it('422 for a wrong OTP, then 429 after five, even for the right one', async () => {
    const { booking_id: id } = await h.client.book(rider);
    await offerAndAccept(driver, id);
    const otp = await otpFor(id);
    const wrong = otp === '000000' ? '111111' : '000000';
    for (let attempt = 1; attempt <= 5; attempt++) {
      const response = await h.client.act(driver, id, 'start', { otp: wrong });
      expect(response.statusCode).toBe(422);
      expect(response.json().code).toBe('WRONG_OTP');
    }
    const locked = await h.client.act(driver, id, 'start', { otp });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().code).toBe('OTP_ATTEMPTS_EXHAUSTED');
    expect((await h.client.act(driver, id, 'cancel')).statusCode).toBe(200);
  });

  it('cancellation: the user before the trip, the driver once assigned, nobody on the trip', async () => {
    const pending = await h.client.book(rider);
    const cancelled = await h.client.act(rider, pending.booking_id, 'cancel', { reason: 'changed plans' });
    expect(cancelled.json()).toMatchObject({ status: 'cancelled' });

    const { booking_id: id } = await h.client.book(rider);
    await offerAndAccept(driver, id);
    expect((await h.client.act(driver, id, 'cancel')).json()).toMatchObject({ status: 'cancelled', driver_id: driver.id });

    const { booking_id: onTrip } = await h.client.book(rider);
    await offerAndAccept(driver, onTrip);
    await h.client.act(driver, onTrip, 'start', { otp: await otpFor(onTrip) });
    expect((await h.client.act(rider, onTrip, 'cancel')).statusCode).toBe(409);
  });
});
