/**
 * Replay with Kafka's own CLI, through the project's Kafka command (what `pnpm kafka` runs), as
 * docs/REPLAY.md tells an operator to: read a booking's whole history with the console consumer;
 * reset dispatch-service's consumer group to the earliest offsets and restart it, and get the
 * same driver state without any booking offered again; restart the gateway, which rebuilds its
 * projection from the topics, and give a reconnecting rider the same current state.
 */
import { randomUUID } from 'node:crypto';
import { decodeServerMessage, TOPICS } from '@rideline/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { about, http, Inbox, registerDriver, registerUser, type Account } from '../src/client.ts';
import { kafkaToolOk } from '../src/kafka-cli.ts';
import { useRunningSystem } from './support/system.ts';

const CENTER = { lat: 12.9716, lng: 77.5946 };
const POSITIONS = [
  { lat: 12.975, lng: 77.596 },
  { lat: 12.968, lng: 77.59 },
  { lat: 12.972, lng: 77.6 },
];
const PICKUP = { ...CENTER, address: '123 Street, City' };
const DROPOFF = { lat: 12.9352, lng: 77.6245, address: '456 Avenue, City' };

const run = randomUUID().slice(0, 8);
const DISPATCH_GROUP = `e2e-${run}.dispatch`;

let brokers: string;
let bookingEventsTopic: string;

const sys = useRunningSystem({ DISPATCH_CONSUMER_GROUP: DISPATCH_GROUP });

interface Driver extends Account {
  offers: Inbox;
  rides: Inbox;
}

interface Ride {
  readonly id: string;
  readonly rider: Account;
  readonly driver: Driver;
  readonly otp: string;
}

const rides: Ride[] = [];
let drivers: Driver[] = [];

const act = (who: Account, bookingId: string, action: string, body?: unknown) =>
  http(`${sys.booking}/bookings/${bookingId}/${action}`, 'POST', body, who.token);

async function driverAt(position: { lat: number; lng: number }): Promise<Driver> {
  const account = await registerDriver(sys.urls);
  const offers = await Inbox.open(sys.gateway, '/ws/driver/available_bookings/', account.token);
  const rides = await Inbox.open(sys.gateway, '/ws/driver/bookings/', account.token);
  sys.inboxes.push(offers, rides);
  expect((await http(`${sys.dispatch}/drivers/me/availability`, 'PUT', { available: true }, account.token)).status).toBe(204);
  expect((await http(`${sys.dispatch}/drivers/me/location`, 'PUT', position, account.token)).status).toBe(204);
  return { ...account, offers, rides };
}

/** Books, lets `driver` accept, and returns the ride with the OTP the rider got. */
async function acceptedRide(driver: Driver): Promise<Ride> {
  const rider = await registerUser(sys.urls);
  const inbox = await Inbox.open(sys.gateway, '/ws/bookings/', rider.token);
  sys.inboxes.push(inbox);
  const created = await http(`${sys.booking}/bookings`, 'POST', { pickup: PICKUP, dropoff: DROPOFF }, rider.token);
  expect(created.status).toBe(201);
  const id = created.body['booking_id'] as string;
  await driver.offers.waitFor(about(id, 'available_booking'));
  expect((await act(driver, id, 'accept')).status).toBe(200);
  const otp = (await inbox.waitFor(about(id, 'otp'))).otp;
  return { id, rider, driver, otp };
}

/** What a freshly opened socket is sent first (the snapshot), in a stable order. */
async function snapshot(path: string, token: string, settleMs = 1_000): Promise<string[]> {
  const inbox = await Inbox.open(sys.gateway, path, token);
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  inbox.close();
  return inbox.messages.map((message) => JSON.stringify(message)).sort();
}

async function nearby(token: string): Promise<unknown> {
  const response = await http(`${sys.dispatch}/drivers/nearby?lat=${CENTER.lat}&lng=${CENTER.lng}&radius_m=10000`, 'GET', undefined, token);
  expect(response.status).toBe(200);
  const list = response.body['drivers'] as { driver_id: string; distance_m: number }[];
  return [...list].sort((a, b) => a.driver_id.localeCompare(b.driver_id));
}

beforeAll(async () => {
  brokers = sys.system.env['KAFKA_BROKERS']!;
  bookingEventsTopic = sys.system.env[TOPICS.bookingEvents.envVar]!;

  // Three rides: one completed, one cancelled after acceptance, one on its trip.
  drivers = await Promise.all(POSITIONS.map((position) => driverAt(position)));
  const [first, second, third] = drivers as [Driver, Driver, Driver];

  const completed = await acceptedRide(first);
  expect((await act(first, completed.id, 'start', { otp: completed.otp })).status).toBe(200);
  expect((await act(first, completed.id, 'complete')).status).toBe(200);
  await first.rides.waitFor(about(completed.id, 'booking_status', { status: 'completed' }));

  const cancelled = await acceptedRide(second);
  expect((await act(cancelled.rider, cancelled.id, 'cancel', { reason: 'plans changed' })).status).toBe(200);
  await second.rides.waitFor(about(cancelled.id, 'booking_status', { status: 'cancelled' }));

  const onTrip = await acceptedRide(third);
  expect((await act(third, onTrip.id, 'start', { otp: onTrip.otp })).status).toBe(200);
  await third.rides.waitFor(about(onTrip.id, 'booking_status', { status: 'on_trip' }));

  rides.push(completed, cancelled, onTrip);
}, 180_000);

describe('replay with Kafka’s own CLI', () => {
  it('reads a booking’s whole history with the console consumer', { timeout: 60_000 }, async () => {
    const [completed] = rides as [Ride];
    // 4 + 3 + 3 events on the topic: stop as soon as all are read (the timeout is a safety net).
    const { stdout } = await kafkaToolOk(brokers, 'console-consumer', [
      '--topic',
      bookingEventsTopic,
      '--from-beginning',
      '--property',
      'print.key=true',
      '--max-messages',
      '10',
      '--timeout-ms',
      '15000',
    ]);
    const records = stdout
      .split('\n')
      .filter((line) => line.includes('\t'))
      .map((line) => {
        const tab = line.indexOf('\t');
        return {
          key: line.slice(0, tab),
          value: JSON.parse(line.slice(tab + 1)) as { type: string; version: number; event_id: string; data: { booking_id: string } },
        };
      });
    expect(records).toHaveLength(10);
    const history = records.filter((record) => record.key === completed.id).map((record) => record.value);
    expect(history.map((event) => event.type)).toEqual(['BookingRequested', 'BookingAccepted', 'TripStarted', 'TripCompleted']);
    // `version` is the position in the booking's public stream: 1, 2, 3, ... without gaps.
    const versions = history.map((event) => event.version);
    expect(versions[0]).toBe(1);
    for (let i = 1; i < versions.length; i++) expect(versions[i]!).toBeGreaterThan(versions[i - 1]!);
    expect(versions).toEqual([1, 2, 3, 4]);
    for (const event of history) expect(event.data.booking_id).toBe(completed.id);
    // The OTP is a private notice: never on booking.events.
    expect(stdout).not.toContain(completed.otp);
    expect(records.filter((record) => record.key === rides[1]!.id).map((record) => record.value.type)).toEqual([
      'BookingRequested',
      'BookingAccepted',
      'BookingCancelled',
    ]);
  });

  it('dispatch-service reset to the earliest offsets rebuilds the same driver state and offers nothing again', { timeout: 60_000 }, async () => {
    const rider = rides[0]!.rider;
    const before = await nearby(rider.token);
    expect((before as unknown[]).length).toBeGreaterThan(0);
    const offersBefore = drivers.map((driver) => driver.offers.messages.length);

    const exitCode = await sys.system.processes.get('dispatch-service')!.stop();
    expect(exitCode).toBe(0);

    const described = await kafkaToolOk(brokers, 'consumer-groups', ['--describe', '--group', DISPATCH_GROUP]);
    expect(described.stdout).toContain(bookingEventsTopic);
    const reset = await kafkaToolOk(brokers, 'consumer-groups', ['--group', DISPATCH_GROUP, '--reset-offsets', '--to-earliest', '--all-topics', '--execute']);
    const resetRows = reset.stdout.split('\n').filter((line) => line.includes(bookingEventsTopic));
    expect(resetRows.length).toBeGreaterThan(0);
    // GROUP TOPIC PARTITION NEW-OFFSET: every partition back at 0.
    for (const row of resetRows) expect(row.trim().split(/\s+/).at(-1)).toBe('0');

    await sys.system.startService('dispatch-service');
    // Ready means it has read the whole state back; answer the same drivers, same distances.
    expect(await nearby(rider.token)).toEqual(before);

    // Give the replayed booking events time to reach the dispatcher and the gateway: nothing
    // finished (or already taken) is offered or withdrawn again.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(drivers.map((driver) => driver.offers.messages.length)).toEqual(offersBefore);
    for (const ride of rides) {
      for (const driver of drivers) expect(driver.offers.messages.filter(about(ride.id, 'available_booking')).length).toBeLessThanOrEqual(1);
    }
    expect(await nearby(rider.token)).toEqual(before);
  });

  it('the gateway restarted rebuilds its projection: a reconnecting rider and driver get the same current state', { timeout: 60_000 }, async () => {
    const endpoints = rides.flatMap((ride) => [
      { path: '/ws/bookings/', token: ride.rider.token },
      { path: '/ws/driver/bookings/', token: ride.driver.token },
    ]);
    const before = await Promise.all(endpoints.map(({ path, token }) => snapshot(path, token)));
    // The rider on the trip is told it is on_trip; the completed and cancelled rides are recent.
    const onTrip = rides[2]!;
    const received = before[4]!.map((text) => decodeServerMessage(text));
    expect(received, 'every snapshot message matches the contract').not.toContain(null);
    expect(received.some((message) => message !== null && about(onTrip.id, 'booking_status', { status: 'on_trip' })(message))).toBe(true);

    expect(await sys.system.processes.get('realtime-gateway')!.stop()).toBe(0);
    await sys.system.startService('realtime-gateway');

    const after = await Promise.all(endpoints.map(({ path, token }) => snapshot(path, token)));
    expect(after).toEqual(before);
  });
});
