/**
 * Only a driver dispatch offered a booking to may accept it (403 NOT_OFFERED otherwise), with
 * the offers read from the real `dispatch.offers` topic: no false refusal when the driver
 * accepts the instant the offer is on the topic, and 503 OFFERS_LAGGING rather than a guess
 * when the offers cannot be read up to date.
 */
import { expect, it } from 'vitest';
import { useTestBookingSystem } from './support/booking-system.ts';

const h = useTestBookingSystem();

async function offerChecks(): Promise<Record<string, number>> {
  const text = (await h.running.system.app.inject('/metrics')).body;
  const counts: Record<string, number> = {};
  for (const match of text.matchAll(/^rideline_booking_offer_checks_total\{[^}]*outcome="(\w+)"[^}]*\} (\d+)/gm)) counts[match[1]!] = Number(match[2]);
  return counts;
}

it('refuses an accept without any offer with 403 NOT_OFFERED, in the API error body', async () => {
  const [rider, driver] = await Promise.all([h.client.registerUser(), h.client.registerDriver()]);
  const { booking_id: id } = await h.client.book(rider);
  const response = await h.client.act(driver, id, 'accept');
  expect(response.statusCode).toBe(403);
  expect(response.json()).toEqual({ success: false, code: 'NOT_OFFERED', message: 'This booking was not offered to you.' });
  expect((await h.client.request({ method: 'GET', url: `/bookings/${id}`, token: rider.token })).json().status).toBe('pending');
});

it('refuses a driver the booking was offered to someone else, and lets that one accept', async () => {
  const [rider, offered, other] = await Promise.all([h.client.registerUser(), h.client.registerDriver(), h.client.registerDriver()]);
  const { booking_id: id } = await h.client.book(rider);
  await h.offers.offer(id, offered.id);
  const refused = await h.client.act(other, id, 'accept');
  expect([refused.statusCode, refused.json().code]).toEqual([403, 'NOT_OFFERED']);
  const accepted = await h.client.act(offered, id, 'accept');
  expect(accepted.statusCode).toBe(200);
  expect(accepted.json()).toMatchObject({ status: 'accepted', driver_id: offered.id });
});

it('never refuses a driver who accepts the instant the offer is on the topic', { timeout: 120_000 }, async () => {
  const [rider, driver] = await Promise.all([h.client.registerUser(), h.client.registerDriver()]);
  const before = await offerChecks();
  const rounds = 40;
  for (let round = 0; round < rounds; round++) {
    const { booking_id: id } = await h.client.book(rider);
    // The broker has the offer (as when it reaches the driver's socket); the accept leaves in
    // the same tick, before booking-service can have read it.
    await h.offers.offer(id, driver.id);
    const response = await h.client.act(driver, id, 'accept');
    expect([round, response.statusCode, response.json().code]).toEqual([round, 200, undefined]);
    // Free the driver and the rider for the next round.
    expect((await h.client.act(driver, id, 'cancel')).statusCode).toBe(200);
  }
  const after = await offerChecks();
  const delta = (outcome: string) => (after[outcome] ?? 0) - (before[outcome] ?? 0);
  expect(delta('not_offered') + delta('lagging')).toBe(0);
  expect(delta('known') + delta('arrived') + delta('waited_offered')).toBe(rounds);
  // The race was really run: most accepts arrived before the offer was stored, and waited for
  // it. Once the first such wait has learnt the topic's partitions from the broker, the others
  // wait for this instance's reader to store the offer, with no broker request.
  expect(delta('arrived')).toBeGreaterThan(0);
});

it('answers a driver whose offer was revoked (taken by another) with 409 BOOKING_TAKEN, not 403', async () => {
  const [rider, first, second] = await Promise.all([h.client.registerUser(), h.client.registerDriver(), h.client.registerDriver()]);
  const { booking_id: id } = await h.client.book(rider);
  await h.offers.offer(id, first.id, second.id);
  expect((await h.client.act(first, id, 'accept')).statusCode).toBe(200);
  await h.offers.revoke(id, second.id, 'accepted');
  const late = await h.client.act(second, id, 'accept');
  expect([late.statusCode, late.json().code]).toEqual([409, 'BOOKING_TAKEN']);
  await expect
    .poll(() => h.running.system.prisma.driverOffer.findUnique({ where: { bookingId_driverId: { bookingId: id, driverId: second.id } } }))
    .toMatchObject({ revokeReason: 'accepted', revokedAt: expect.any(Date) });
});

it('parks an undecodable record without holding up the driver’s partition', { timeout: 30_000 }, async () => {
  const [rider, driver] = await Promise.all([h.client.registerUser(), h.client.registerDriver()]);
  const { booking_id: id } = await h.client.book(rider);
  // The last record of the driver's partition is garbage: NOT_OFFERED is still answered (the
  // position moved past it), not 503 after waiting for a record that is never stored.
  await h.running.system.kafka.publisher.sendRaw([{ topic: h.running.config.topics.dispatchOffers, key: driver.id, value: '{"not":"an offer"' }]);
  const refused = await h.client.act(driver, id, 'accept');
  expect([refused.statusCode, refused.json().code]).toEqual([403, 'NOT_OFFERED']);
  await h.offers.offer(id, driver.id);
  expect((await h.client.act(driver, id, 'accept')).statusCode).toBe(200);
});

it('answers 503 OFFERS_LAGGING, not 403, while the offers cannot be read up to date', { timeout: 30_000 }, async () => {
  const [rider, driver] = await Promise.all([h.client.registerUser(), h.client.registerDriver()]);
  const { booking_id: id } = await h.client.book(rider);
  await h.running.system.offerConsumer.stop();
  await h.offers.offer(id, driver.id);
  const started = Date.now();
  const response = await h.client.act(driver, id, 'accept');
  expect(response.statusCode).toBe(503);
  expect(response.json()).toMatchObject({ success: false, code: 'OFFERS_LAGGING' });
  expect(Date.now() - started).toBeGreaterThanOrEqual(h.running.config.lifecycle.offerSyncTimeoutMs - 50);
  expect((await h.client.request({ method: 'GET', url: `/bookings/${id}`, token: rider.token })).json().status).toBe('pending');
});
