/**
 * The whole ride through the public contract only, with the three services as separate
 * processes on the real broker and database: exactly the nearby available drivers get the
 * offer, one accepts (a second gets 409, the others `booking_unavailable`), the rider gets
 * `accepted` and the OTP, a wrong OTP is refused, the right one starts the trip, completion
 * reaches both sides; then cancellation, expiry, and reconnecting mid-trip.
 */
import { describe, expect, it } from 'vitest';
import { about, bookingOf, expectOk, Inbox, registerDriver, registerUser, type AppAccount as Account } from '../src/client.ts';
import type { Result } from '@rideline/client';
import { useRunningSystem } from './support/system.ts';

const CENTER = { lat: 12.9716, lng: 77.5946 };
const NEAR = [
  { lat: 12.975, lng: 77.596 },
  { lat: 12.968, lng: 77.59 },
  { lat: 12.972, lng: 77.6 },
];
const FAR = { lat: 13.4, lng: 78.2 }; // ~80 km away
const PICKUP = { ...CENTER, address: '123 Street, City' };
const DROPOFF = { lat: 12.9352, lng: 77.6245, address: '456 Avenue, City' };

const sys = useRunningSystem({ BOOKING_PENDING_TIMEOUT_SECONDS: '10' });

interface Driver extends Account {
  offers: Inbox;
  rides: Inbox;
}

async function driverAt(position: { lat: number; lng: number } | null, available = true): Promise<Driver> {
  const account = await registerDriver(sys.urls);
  const offers = await Inbox.open(sys.gateway, '/ws/driver/available_bookings/', account.token);
  const rides = await Inbox.open(sys.gateway, '/ws/driver/bookings/', account.token);
  sys.inboxes.push(offers, rides);
  expectOk(await account.client.drivers.setAvailability(available));
  if (position) expectOk(await account.client.drivers.setLocation(position));
  return { ...account, offers, rides };
}

async function riderWithSocket(): Promise<Account & { inbox: Inbox }> {
  const account = await registerUser(sys.urls);
  const inbox = await Inbox.open(sys.gateway, '/ws/bookings/', account.token);
  sys.inboxes.push(inbox);
  return { ...account, inbox };
}

async function book(rider: Account): Promise<string> {
  return expectOk(await rider.client.bookings.create({ pickup: PICKUP, dropoff: DROPOFF })).booking_id;
}

/** A driver at `position` and a rider on their sockets, the rider's booking offered to the driver. */
async function offeredRide(position: { lat: number; lng: number }) {
  const driver = await driverAt(position);
  const rider = await riderWithSocket();
  const id = await book(rider);
  await driver.offers.waitFor(about(id, 'available_booking'));
  return { driver, rider, id };
}

/** The status a call answered: 200 for data, else the typed error's. */
const statusOf = async (call: Promise<Result<unknown>>) => {
  const result = await call;
  return result.ok ? 200 : result.error.status;
};

describe('a ride from booking to completion', () => {
  it('reaches exactly the right sockets at every step', { timeout: 90_000 }, async () => {
    const near = await Promise.all(NEAR.map((position) => driverAt(position)));
    const far = await driverAt(FAR);
    const unavailable = await driverAt(NEAR[0]!, false);
    const rider = await riderWithSocket();
    const stranger = await riderWithSocket();

    const id = await book(rider);
    for (const driver of near) {
      const offer = await driver.offers.waitFor(about(id, 'available_booking'));
      expect(offer).toMatchObject({
        pickup_location: PICKUP.address,
        dropoff_location: DROPOFF.address,
        message: 'A new booking is available.',
      });
      expect(typeof offer['estimated_cost']).toBe('number');
    }

    const [winner, loser, bystander] = near as [Driver, Driver, Driver];
    expect(await statusOf(winner.client.bookings.accept(id))).toBe(200);
    expect(await loser.client.bookings.accept(id)).toMatchObject({ ok: false, error: { kind: 'http', status: 409 } });
    for (const other of [loser, bystander]) await other.offers.waitFor(about(id, 'booking_unavailable'));

    await rider.inbox.waitFor(about(id, 'booking_status', { status: 'accepted' }));
    const otpMessage = await rider.inbox.waitFor(about(id, 'otp'));
    const otp = otpMessage.otp;
    expect(otp).toMatch(/^\d{6}$/);
    await winner.rides.waitFor(about(id, 'booking_status', { status: 'accepted' }));

    const wrong = otp === '000000' ? '111111' : '000000';
    expect(await statusOf(winner.client.bookings.start(id, wrong))).toBe(422);
    expect(await statusOf(winner.client.bookings.start(id, otp))).toBe(200);
    await rider.inbox.waitFor(about(id, 'booking_status', { status: 'on_trip' }));
    await winner.rides.waitFor(about(id, 'booking_status', { status: 'on_trip' }));

    expect(await statusOf(winner.client.bookings.complete(id))).toBe(200);
    await rider.inbox.waitFor(about(id, 'booking_status', { status: 'completed' }));
    await winner.rides.waitFor(about(id, 'booking_status', { status: 'completed' }));

    // Nobody else heard about it; no driver ever saw the OTP.
    for (const outsider of [far, unavailable]) {
      expect(outsider.offers.messages.filter((m) => bookingOf(m) === id)).toEqual([]);
    }
    expect(stranger.inbox.messages.filter((m) => bookingOf(m) === id)).toEqual([]);
    for (const driver of [...near, far, unavailable]) {
      for (const message of [...driver.offers.messages, ...driver.rides.messages]) expect(JSON.stringify(message)).not.toContain(otp);
    }
    for (const driver of [loser, bystander]) expect(driver.rides.messages.filter((m) => bookingOf(m) === id)).toEqual([]);
  });
});

describe('other endings', () => {
  it('cancellation by the rider reaches the assigned driver', { timeout: 60_000 }, async () => {
    const { driver, rider, id } = await offeredRide(NEAR[1]!);
    expect(await statusOf(driver.client.bookings.accept(id))).toBe(200);
    expect(await statusOf(rider.client.bookings.cancel(id, 'plans changed'))).toBe(200);
    await driver.rides.waitFor(about(id, 'booking_status', { status: 'cancelled' }));
    await rider.inbox.waitFor(about(id, 'booking_status', { status: 'cancelled' }));
  });

  it('a booking nobody accepts expires, and its offers are withdrawn', { timeout: 60_000 }, async () => {
    const { driver, rider, id } = await offeredRide(NEAR[2]!);
    await rider.inbox.waitFor(about(id, 'booking_status', { status: 'expired' }), 40_000);
    await driver.offers.waitFor(about(id, 'booking_unavailable'));
  });
});

describe('reconnecting', () => {
  it('gives a rider and a driver who reconnect mid-trip the current state first', { timeout: 60_000 }, async () => {
    const { driver, rider, id } = await offeredRide(NEAR[0]!);
    expectOk(await driver.client.bookings.accept(id));
    const otp = (await rider.inbox.waitFor(about(id, 'otp'))).otp;
    expect(await statusOf(driver.client.bookings.start(id, otp))).toBe(200);
    await rider.inbox.waitFor(about(id, 'booking_status', { status: 'on_trip' }));
    rider.inbox.close();
    driver.rides.close();

    const riderAgain = await Inbox.open(sys.gateway, '/ws/bookings/', rider.token);
    const driverAgain = await Inbox.open(sys.gateway, '/ws/driver/bookings/', driver.token);
    sys.inboxes.push(riderAgain, driverAgain);
    await riderAgain.waitFor(about(id, 'booking_status', { status: 'on_trip' }));
    await driverAgain.waitFor(about(id, 'booking_status', { status: 'on_trip' }));
  });
});
