/**
 * A driver holds at most one accepted or on-trip booking: a second accept is refused with 409
 * DRIVER_BUSY, also when the two accepts arrive at the same instant (the database's unique
 * index decides, the loser reloads and is told the driver is busy).
 */
import { expect, it } from 'vitest';
import type { Session } from './support/http-client.ts';
import { useTestBookingSystem } from './support/booking-system.ts';
import { otpFrom } from './support/otp-notice.ts';
import { TopicReader } from '@rideline/test-support';

const h = useTestBookingSystem();

const activeBookingsOf = (driver: Session) =>
  h.running.system.prisma.booking.count({ where: { driverId: driver.id, status: { in: ['accepted', 'on_trip'] } } });

async function offeredBooking(driver: Session): Promise<string> {
  const { booking_id: id } = await h.client.book(await h.client.registerUser());
  await h.offers.offer(id, driver.id);
  return id;
}

it('refuses a second accept with 409 DRIVER_BUSY while accepted or on a trip, and not after the trip', async () => {
  const driver = await h.client.registerDriver();
  const reader = await TopicReader.start(h.running.system.kafka.kafka, [h.running.config.topics.bookingNotifications]);
  try {
    const [first, second, third] = await Promise.all([offeredBooking(driver), offeredBooking(driver), offeredBooking(driver)]);
    expect((await h.client.act(driver, first, 'accept')).statusCode).toBe(200);

    const busy = await h.client.act(driver, second, 'accept');
    expect(busy.statusCode).toBe(409);
    expect(busy.json()).toEqual({ success: false, code: 'DRIVER_BUSY', message: expect.any(String) });

    expect((await h.client.act(driver, first, 'start', { otp: await otpFrom(reader, first, h.running.config.lifecycle.otpNoticeKey) })).statusCode).toBe(200);
    expect((await h.client.act(driver, second, 'accept')).json().code).toBe('DRIVER_BUSY');
    expect((await h.client.act(driver, first, 'complete')).statusCode).toBe(200);

    // Free again: the second booking, still pending, can be taken; then the third cannot.
    expect((await h.client.act(driver, second, 'accept')).statusCode).toBe(200);
    expect((await h.client.act(driver, third, 'accept')).json().code).toBe('DRIVER_BUSY');
    expect((await h.client.act(driver, second, 'cancel')).statusCode).toBe(200);
    expect((await h.client.act(driver, third, 'accept')).statusCode).toBe(200);
    expect(await activeBookingsOf(driver)).toBe(1);
  } finally {
    await reader.stop();
  }
});

it('lets exactly one of two simultaneous accepts by one driver win, round after round', { timeout: 120_000 }, async () => {
  const [driver, riderA, riderB] = await Promise.all([h.client.registerDriver(), h.client.registerUser(), h.client.registerUser()]);
  const rounds = 40;
  for (let round = 0; round < rounds; round++) {
    const [{ booking_id: a }, { booking_id: b }] = await Promise.all([h.client.book(riderA), h.client.book(riderB)]);
    await h.offers.offer(a, driver.id);
    await h.offers.offer(b, driver.id);
    // Both offers stored first, so both accepts take the fast path and really meet in the append.
    await expect.poll(() => h.running.system.prisma.driverOffer.count({ where: { bookingId: { in: [a, b] } } })).toBe(2);
    const answers = await Promise.all([h.client.act(driver, a, 'accept'), h.client.act(driver, b, 'accept')]);
    const outcome = answers.map((answer) => [answer.statusCode, answer.json().code ?? null]).sort();
    expect([round, outcome]).toEqual([
      round,
      [
        [200, null],
        [409, 'DRIVER_BUSY'],
      ],
    ]);
    expect(await activeBookingsOf(driver)).toBe(1);
    // The loser's booking is untouched: still pending, nobody assigned.
    const loser = answers[0]!.statusCode === 200 ? b : a;
    expect(await h.running.system.prisma.booking.findUnique({ where: { bookingId: loser } })).toMatchObject({ status: 'pending', driverId: null });
    // Free the driver and both riders for the next round.
    expect((await h.client.act(riderA, a, 'cancel')).statusCode).toBe(200);
    expect((await h.client.act(riderB, b, 'cancel')).statusCode).toBe(200);
  }
});
