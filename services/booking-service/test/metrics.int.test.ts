/**
 * The metrics operators alert on move when the service does the work they count: booking
 * transitions once committed, the outbox backlog and the age of its oldest row while nothing
 * relays it, records parked on the dead-letter topic, the consumer lag of the offers reader, and
 * the Kafka requests each client sends.
 */
import { hasMetric, metricSum } from '@rideline/test-support';
import { expect, it } from 'vitest';
import { useTestBookingSystem } from './support/booking-system.ts';

const h = useTestBookingSystem();

const scrape = async () => (await h.running.system.app.inject('/metrics')).body;
const transitions = async (type: string) => metricSum(await scrape(), 'rideline_booking_transitions_total', { type });

it('counts booking transitions by type once committed, and a refused command not at all', async () => {
  const [rider, driver] = await Promise.all([h.client.registerUser(), h.client.registerDriver()]);
  const before = {
    requested: await transitions('BookingRequested'),
    accepted: await transitions('BookingAccepted'),
    cancelled: await transitions('BookingCancelled'),
  };
  const { booking_id: id } = await h.client.book(rider);
  expect((await h.client.act(driver, id, 'accept')).statusCode).toBe(403);
  await h.offers.offer(id, driver.id);
  expect((await h.client.act(driver, id, 'accept')).statusCode).toBe(200);
  expect((await h.client.act(driver, id, 'cancel')).statusCode).toBe(200);
  expect(await transitions('BookingRequested')).toBe(before.requested + 1);
  expect(await transitions('BookingAccepted')).toBe(before.accepted + 1);
  expect(await transitions('BookingCancelled')).toBe(before.cancelled + 1);
  // The OTP's private records are not transitions.
  expect(await transitions('OtpIssued')).toBe(0);
});

it('counts a record parked on the dead-letter topic, by group and source topic', { timeout: 30_000 }, async () => {
  const labels = { group: h.running.config.lifecycle.offersConsumerGroup, topic: h.running.config.topics.dispatchOffers };
  const before = metricSum(await scrape(), 'rideline_dead_letter_records_total', labels);
  await h.running.system.kafka.publisher.sendRaw([{ topic: h.running.config.topics.dispatchOffers, key: 'd-garbage', value: 'not an offer' }]);
  await expect.poll(async () => metricSum(await scrape(), 'rideline_dead_letter_records_total', labels), { timeout: 20_000 }).toBe(before + 1);
});

it('reports the consumer lag of the offers reader per partition', async () => {
  const group = h.running.config.lifecycle.offersConsumerGroup;
  const sample = new RegExp(`^rideline_kafka_consumer_lag_records\\{group="${group.replaceAll('.', '\\.')}",topic="[^"]+",partition="\\d+"[^}]*\\} \\d+$`, 'm');
  // The lag is refreshed every 2 s (LAG_REFRESH_MS) once the reader has its partitions: a scrape
  // right after start may come before the first refresh.
  await expect.poll(async () => sample.test(await scrape()), { timeout: 10_000 }).toBe(true);
});

it("counts the Kafka requests of each client by API: the relay's Produce requests grow when a booking is relayed", async () => {
  const produced = async () => metricSum(await scrape(), 'rideline_kafka_requests_total', { client: 'producer', api: 'Produce' });
  const before = await produced();
  const rider = await h.client.registerUser();
  await h.client.book(rider);
  await expect.poll(produced, { timeout: 10_000 }).toBeGreaterThan(before);
  const group = h.running.config.lifecycle.offersConsumerGroup;
  expect(metricSum(await scrape(), 'rideline_kafka_requests_total', { client: group, api: 'Fetch' })).toBeGreaterThan(0);
  expect(metricSum(await scrape(), 'rideline_kafka_request_bytes_total', { client: 'producer', api: 'Produce' })).toBeGreaterThan(0);
});

it('reports the outbox backlog and the age of its oldest row, read at scrape time', { timeout: 30_000 }, async () => {
  // Relayed: the backlog drains to nothing.
  await expect.poll(async () => metricSum(await scrape(), 'rideline_outbox_backlog_rows'), { timeout: 10_000 }).toBe(0);
  const drained = await scrape();
  expect(hasMetric(drained, 'rideline_outbox_oldest_row_age_seconds')).toBe(true);
  expect(metricSum(drained, 'rideline_outbox_oldest_row_age_seconds')).toBe(0);
  // No relay (as when the broker is away): the booking's rows wait, and the oldest grows older.
  await h.running.system.relay.stop();
  const rider = await h.client.registerUser();
  await h.client.book(rider);
  const waiting = await scrape();
  expect(metricSum(waiting, 'rideline_outbox_backlog_rows')).toBeGreaterThanOrEqual(1);
  const age = metricSum(waiting, 'rideline_outbox_oldest_row_age_seconds');
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  expect(metricSum(await scrape(), 'rideline_outbox_oldest_row_age_seconds')).toBeGreaterThanOrEqual(age + 1);
});
