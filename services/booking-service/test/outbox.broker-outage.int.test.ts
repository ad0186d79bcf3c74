/**
 * The outbox survives a broker outage: bookings keep being taken while Kafka is down (their
 * events wait in the outbox), and once the broker is back every event reaches it, in order per
 * booking, none lost. Uses a broker of its own, so stopping it disturbs no other test.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getFreePort, startKafkaBroker, type RunningKafkaBroker } from '@rideline/dev-infra';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BookingClient } from './support/http-client.ts';
import { startTestBookingSystem, type TestBookingSystem } from './support/booking-system.ts';
import { OfferPublisher } from './support/offers.ts';
import { TopicReader } from '@rideline/test-support';

let dataDir: string;
let port: number;
let controllerPort: number;
let broker: RunningKafkaBroker;
let running: TestBookingSystem;

const startBroker = () => startKafkaBroker({ dataDir, port, controllerPort });

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'rideline-outage-'));
  [port, controllerPort] = [await getFreePort(), await getFreePort()];
  broker = await startBroker();
  // One rider books eleven times: the per-rider limit is raised.
  running = await startTestBookingSystem({ KAFKA_BROKERS: broker.brokers.join(','), RIDER_MAX_ACTIVE_BOOKINGS: '20' });
}, 120_000);

afterAll(async () => {
  await running?.close();
  await broker?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

it('publishes everything written while the broker was down, once it is back', { timeout: 120_000 }, async () => {
  const client = new BookingClient(running.system.app);
  const [rider, driver] = await Promise.all([client.registerUser(), client.registerDriver()]);
  const before = await client.book(rider);
  // Offered while the broker is up, and read into the database: the accept during the outage
  // needs only the database.
  const offeredBefore = await client.book(rider);
  await new OfferPublisher(running.system.kafka.publisher).offer(offeredBefore.booking_id, driver.id);
  await expect.poll(() => running.system.prisma.driverOffer.count({ where: { driverId: driver.id } }), { timeout: 15_000 }).toBe(1);

  await broker.stop();
  const during = [];
  for (let i = 0; i < 10; i++) during.push(await client.book(rider));
  expect((await client.act(driver, offeredBefore.booking_id, 'accept')).statusCode).toBe(200);
  await client.act(rider, during[1]!.booking_id, 'cancel');
  expect(await running.system.prisma.outboxMessage.count()).toBeGreaterThan(0);
  const ready = await running.system.app.inject('/health/ready');
  expect(ready.statusCode).toBe(503);

  broker = await startBroker();
  await expect.poll(() => running.system.prisma.outboxMessage.count(), { timeout: 60_000, interval: 200 }).toBe(0);

  const reader = await TopicReader.start(running.system.kafka.kafka, [running.config.topics.bookingEvents]);
  const ids = [before, offeredBefore, ...during].map((b) => b.booking_id);
  const records = await reader.waitFor((all) => ids.every((id) => all.some((r) => r.key === id)) && all.length >= 14, 30_000);
  await reader.stop();
  // Delivery is at least once: a batch whose acknowledgement was lost to the outage is sent
  // again. Consumers de-duplicate on event_id (API.md), and so does this check; two different
  // event ids for one fact would still show here as a repeated type.
  const eventsOf = (id: string) => {
    const seen = new Set<string>();
    return records
      .filter((r) => r.key === id)
      .map((r) => r.value as { type: string; version: number; event_id: string })
      .filter((event) => !seen.has(event.event_id) && seen.add(event.event_id));
  };
  for (const id of ids) expect(eventsOf(id)[0]).toMatchObject({ type: 'BookingRequested', version: 1 });
  expect(eventsOf(offeredBefore.booking_id).map((e) => e.type)).toEqual(['BookingRequested', 'BookingAccepted']);
  expect(eventsOf(during[1]!.booking_id).map((e) => e.type)).toEqual(['BookingRequested', 'BookingCancelled']);
  const versions = eventsOf(offeredBefore.booking_id).map((e) => e.version);
  expect(versions).toEqual([...versions].sort((a, b) => a - b));

  // The reader of dispatch.offers is back too: an offer made now is honoured (it may take the
  // consumer a moment to reconnect, answered meanwhile with 503 OFFERS_LAGGING, never 403).
  const laterDriver = await client.registerDriver();
  await new OfferPublisher(running.system.kafka.publisher).offer(during[2]!.booking_id, laterDriver.id);
  const answers: number[] = [];
  for (const deadline = Date.now() + 60_000; answers.at(-1) !== 200 && Date.now() < deadline; ) {
    answers.push((await client.act(laterDriver, during[2]!.booking_id, 'accept')).statusCode);
    if (answers.at(-1) === 503) await new Promise((resolve) => setTimeout(resolve, 500));
    else break;
  }
  expect(new Set(answers.slice(0, -1))).toEqual(new Set(answers.length > 1 ? [503] : []));
  expect(answers.at(-1)).toBe(200);
});
