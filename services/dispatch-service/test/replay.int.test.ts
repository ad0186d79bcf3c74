import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { startKafkaRuntime } from '@rideline/kafka';
import { metricSum, testKafkaBrokers } from '@rideline/test-support';
import type { DispatchSystem } from '../src/dispatch-system.ts';
import { offerEventId } from '../src/offers/event-ids.ts';
import { areas, dropTopics, north, scratchTopics, startHarness, type Harness } from './support/dispatch-harness.ts';
import { bookingAccepted, bookingRequested, driverStatus } from './support/messages.ts';
import { sentinelBookings, settled } from './support/sentinel.ts';

/**
 * State rebuilt from the topics: an instance started on topics another one wrote to rebuilds the
 * same state, does not offer again what was offered, and does what is owed (and only that).
 * Poison records are parked once and never block the records behind them.
 */
const scratch = scratchTopics();
const env = { DISPATCH_OFFER_WINDOW_MS: '60000', DISPATCH_MAX_DRIVERS_PER_ROUND: '5' };
const nextArea = areas();
const running: Harness[] = [];
const silent = { error() {}, warn() {}, info() {}, debug() {} };

afterAll(async () => {
  for (const h of running) await h.close().catch(() => {});
  await dropTopics(scratch.names, [scratch.group]);
});

async function start(overrides: Record<string, string> = {}): Promise<Harness> {
  const h = await startHarness({ ...env, ...overrides }, scratch);
  running.push(h);
  return h;
}

const ids = { b1: randomUUID(), b2: randomUUID(), b3: randomUUID(), poisoned: randomUUID() };
const drivers = Array.from({ length: 6 }, () => randomUUID());
const [d1, d2, d3, d4, d5, d6] = drivers as [string, string, string, string, string, string];

/** What an instance knows of the drivers and bookings of this test. */
function stateOf(system: DispatchSystem) {
  return {
    drivers: drivers.map((id) => system.state.drivers.get(id)),
    bookings: Object.values(ids).map((id) => system.state.offers.snapshot(id)),
  };
}

/** The dispatch.offers records read, but the sentinels'. */
const offerCount = (h: Harness) =>
  h.reader.records.filter(
    (r) => r.topic === scratch.names.dispatchOffers && !sentinelBookings.has((r.value as { data: { booking_id: string } }).data.booking_id),
  ).length;
const parked = (h: Harness) => h.reader.records.filter((r) => r.topic === scratch.names.deadLetter);

describe('replay', () => {
  let first: Harness;
  let before: ReturnType<typeof stateOf>;

  it('a first instance offers, revokes, and parks poison without blocking the partition', async () => {
    first = await start();
    const [p1, p2] = [nextArea(), nextArea()];
    for (const [driverId, at] of [
      [d1, north(p1, 100)],
      [d2, north(p1, 200)],
      [d3, north(p2, 100)],
      [d4, north(p2, 200)],
    ] as const) {
      await first.publish('driverLocations', driverId, driverStatus(driverId, { location: at, available: true }));
    }
    // Poison on each input topic, each followed by a good record with the same key (same partition).
    await first.system.kafka.publisher.sendRaw([
      { topic: scratch.names.driverLocations, key: d5, value: '{"type":"DriverStatusReported","data":{"lat":200}}' },
    ]);
    await first.publish('driverLocations', d5, driverStatus(d5, { location: north(p2, 300), available: false }));
    await first.system.kafka.publisher.sendRaw([{ topic: scratch.names.bookingEvents, key: ids.b2, value: 'not json at all' }]);
    await first.publish('bookingEvents', ids.b1, bookingRequested(ids.b1, p1));
    await first.publish('bookingEvents', ids.b2, bookingRequested(ids.b2, p2));
    await first.reader.waitFor(() => first.offersOf(ids.b1).length === 2 && first.offersOf(ids.b2).length === 2);
    await first.publish('bookingEvents', ids.b2, bookingAccepted(ids.b2, d3));
    await first.reader.waitFor(() => first.offersOf(ids.b2).some((r) => r.type === 'OfferRevoked'));
    await first.reader.waitFor(() => parked(first).length === 2 && first.system.state.drivers.get(d5) !== undefined);

    const poison = parked(first).find((r) => r.value === 'not json at all');
    expect(poison?.key).toBe(ids.b2);
    expect(poison?.headers).toMatchObject({ 'x-source-topic': scratch.names.bookingEvents, 'x-consumer-group': scratch.env['DISPATCH_CONSUMER_GROUP'] });
    expect(poison?.headers['x-reason']).toContain('JSON');
    // Counted once, by the group member that parked it, under the topic it came from.
    const group = scratch.env['DISPATCH_CONSUMER_GROUP']!;
    const deadLettered = async (topic: string) =>
      metricSum((await first.system.app.inject({ url: '/metrics' })).body, 'rideline_dead_letter_records_total', { group, topic });
    await expect.poll(() => deadLettered(scratch.names.bookingEvents)).toBe(1);
    await expect.poll(() => deadLettered(scratch.names.driverLocations)).toBe(1);
    before = stateOf(first.system);
    expect(before.bookings[1]).toMatchObject({ status: 'accepted', revoked: [{ driverId: d4, reason: 'accepted', published: true }] });
  });

  it('a restarted instance rebuilds the same state, offers nothing again, and does what was owed while it was down', async () => {
    const offersBefore = offerCount(first);
    await first.close();
    running.splice(running.indexOf(first), 1);
    // While dispatch is down: b1 is taken by d1 (so d2 must lose it), and b3 is requested near d6.
    const p3 = nextArea();
    const producer = await startKafkaRuntime({
      brokers: [testKafkaBrokers()],
      clientId: 'replay-test',
      topics: scratch.names,
      topicPartitions: 3,
      replicationFactor: 1,
      logger: silent,
    });
    await producer.publisher.publish([
      { topic: 'driverLocations', key: d6, message: driverStatus(d6, { location: north(p3, 100), available: true }) },
      { topic: 'bookingEvents', key: ids.b1, message: bookingAccepted(ids.b1, d1) },
      { topic: 'bookingEvents', key: ids.b3, message: bookingRequested(ids.b3, p3) },
    ]);
    await producer.close();

    const second = await start();
    await second.reader.waitFor(() => second.offersOf(ids.b1).some((r) => r.type === 'OfferRevoked') && second.offersOf(ids.b3).length === 1);
    const revocation = second.offersOf(ids.b1).find((r) => r.type === 'OfferRevoked');
    expect(revocation?.data).toMatchObject({ driver_id: d2, reason: 'accepted' });
    expect(revocation?.event_id).toBe(offerEventId(ids.b1, d2, 'OfferRevoked'));
    expect(second.offersOf(ids.b3)[0]?.data.driver_id).toBe(d6);
    await settled([second]);
    expect(offerCount(second)).toBe(offersBefore + 2); // the revocation and b3's offer: nothing offered again
    const after = stateOf(second.system);
    expect(after.drivers.slice(1, 5)).toEqual(before.drivers.slice(1, 5));
    expect(after.drivers[0]).toEqual({ ...before.drivers[0], activeBookingIds: [ids.b1] }); // d1 took b1
    expect(after.bookings[1]).toEqual(before.bookings[1]); // b2, untouched since
    expect(parked(second)).toHaveLength(2); // parked once, not again by the restarted member
  });

  it('a fresh instance in a fresh group rebuilds the same state and owes nothing', async () => {
    const second = running[0]!;
    const offersBefore = offerCount(second);
    const fresh = await start({ DISPATCH_CONSUMER_GROUP: `fresh-${randomUUID()}` });
    expect(stateOf(fresh.system)).toEqual(stateOf(second.system));
    // Only the fresh instance left acting, so that the sentinels' offers are its own: it owes
    // nothing (what it decided on start, before them, was nothing).
    await second.close();
    running.splice(running.indexOf(second), 1);
    await settled([fresh]);
    expect(offerCount(fresh)).toBe(offersBefore);
  });
});
