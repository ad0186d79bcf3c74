/**
 * The HTTP client against booking-service and dispatch-service running as processes on the
 * real broker and database: a rider and a driver through register, availability, location,
 * nearby, booking, accept, start, complete and logout; the errors as typed values; the refresh
 * on 401, once for concurrent calls.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRidelineClient, type Result, type RidelineClient, type Session } from '../src/index.ts';
import { RunningServices } from './support/running-services.ts';

const PICKUP = { lat: 12.9716, lng: 77.5946, address: '123 Street, City' };
const DROPOFF = { lat: 12.9352, lng: 77.6245, address: '456 Avenue, City' };
const NEAR_PICKUP = { lat: 12.972, lng: 77.595 };

let services: RunningServices;
const newClient = (options: { session?: Session; fetch?: typeof fetch } = {}) =>
  createRidelineClient({ bookingUrl: services.urls['booking-service'], dispatchUrl: services.urls['dispatch-service'], ...options });
const email = (kind: string) => `client-${kind}-${randomUUID()}@example.com`;

function expectOk<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.error)}`);
  return result.data;
}

async function rider(): Promise<RidelineClient> {
  const client = newClient();
  expectOk(await client.auth.registerRider({ name: 'Rider', email: email('rider'), password: 'correct horse battery' }));
  return client;
}

async function availableDriver(): Promise<{ client: RidelineClient; id: string }> {
  const client = newClient();
  const registered = expectOk(
    await client.auth.registerDriver({
      name: 'Driver',
      email: email('driver'),
      password: 'correct horse battery',
      vehicle: { plate: 'KA-01-0001', model: 'Swift' },
    }),
  );
  expectOk(await client.drivers.setAvailability(true));
  expectOk(await client.drivers.setLocation(NEAR_PICKUP));
  return { client, id: registered.driver.id };
}

/** Accepting needs dispatch's offer to have reached booking-service; until then NOT_OFFERED. */
async function acceptWhenOffered(driver: RidelineClient, bookingId: string) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const result = await driver.bookings.accept(bookingId);
    if (result.ok || result.error.code !== 'NOT_OFFERED' || Date.now() > deadline) return result;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  services = await RunningServices.start({ DISPATCH_NEARBY_PER_MINUTE: '3' });
}, 180_000);

afterAll(async () => {
  await services?.stop();
});

describe('a ride through the client', () => {
  it('registers, books, is found nearby, is accepted and cancelled, and logs out', { timeout: 60_000 }, async () => {
    const [driver, other] = await Promise.all([availableDriver(), availableDriver()]);
    const riderClient = await rider();
    expect(riderClient.getToken()).toMatch(/^ey/);

    const nearby = expectOk(await riderClient.drivers.nearby({ lat: PICKUP.lat, lng: PICKUP.lng, radius_m: 2000 }));
    expect(nearby.drivers.map((d) => d.driver_id)).toContain(driver.id);

    const booked = expectOk(await riderClient.bookings.create({ pickup: PICKUP, dropoff: DROPOFF }));
    expect(booked.status).toBe('pending');
    expect(expectOk(await riderClient.bookings.get(booked.booking_id)).booking_id).toBe(booked.booking_id);
    expect(expectOk(await riderClient.bookings.list({ status: 'pending' })).bookings.map((b) => b.booking_id)).toEqual([booked.booking_id]);

    // One active booking per rider: a second is a typed 409.
    const second = await riderClient.bookings.create({ pickup: PICKUP, dropoff: DROPOFF });
    expect(second).toMatchObject({ ok: false, error: { kind: 'http', status: 409, code: 'RIDER_HAS_ACTIVE_BOOKING' } });

    // A rider may not accept: a typed 403.
    expect(await riderClient.bookings.accept(booked.booking_id)).toMatchObject({ ok: false, error: { kind: 'http', status: 403 } });
    expect(expectOk(await acceptWhenOffered(driver.client, booked.booking_id)).status).toBe('accepted');
    // Taken: another driver's accept is a typed 409. (The OTP reaches the rider only on its
    // socket, so start and complete run in e2e/test/ride.e2e.test.ts, through this client.)
    expect(await acceptWhenOffered(other.client, booked.booking_id)).toMatchObject({ ok: false, error: { status: 409 } });
    expect(await driver.client.bookings.start(booked.booking_id, '000000')).toMatchObject({ ok: false, error: { status: 422 } });
    expect(expectOk(await riderClient.bookings.cancel(booked.booking_id, 'plans changed')).status).toBe('cancelled');

    expectOk(await riderClient.auth.logout());
    expect(riderClient.getToken()).toBeNull();
    expect(await riderClient.bookings.list()).toMatchObject({ ok: false, error: { status: 401, code: 'NO_SESSION' } });
  });
});

describe('errors as values', () => {
  it('answers a refused login as a typed 401 with the API error body', async () => {
    const client = newClient();
    const result = await client.auth.loginRider({ email: email('nobody'), password: 'correct horse battery' });
    expect(result).toMatchObject({ ok: false, error: { kind: 'http', status: 401 } });
    if (!result.ok) expect(result.error.code).toMatch(/^[A-Z_]+$/);
    expect(client.getToken()).toBeNull();
  });

  it('answers a validation failure as a typed 400 naming the field', async () => {
    const client = newClient();
    const result = await client.auth.registerRider({ name: 'Rider', email: 'not an email', password: 'correct horse battery' });
    expect(result).toMatchObject({ ok: false, error: { kind: 'http', status: 400, code: 'VALIDATION_FAILED' } });
    if (!result.ok) expect(result.error.message).toContain('email');
  });

  it('answers a 429 with how long to wait', async () => {
    const client = await rider();
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await client.drivers.nearby({ lat: 1, lng: 1 }));
    const limited = answers.at(-1)!;
    expect(limited).toMatchObject({ ok: false, error: { kind: 'http', status: 429, code: 'TOO_MANY_REQUESTS' } });
    if (!limited.ok && limited.error.kind === 'http') expect(limited.error.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('tells a network failure apart from an HTTP error', async () => {
    const client = createRidelineClient({ bookingUrl: 'http://127.0.0.1:9', dispatchUrl: 'http://127.0.0.1:9' });
    const result = await client.auth.loginDriver({ email: email('driver'), password: 'correct horse battery' });
    expect(result).toMatchObject({ ok: false, error: { kind: 'network', status: 0, code: 'NETWORK_ERROR' } });
  });
});

describe('the session', () => {
  it('refreshes once on 401 for concurrent calls, then sends them again', { timeout: 30_000 }, async () => {
    const signedIn = await rider();
    const session = signedIn.getSession()!;
    const refreshes: string[] = [];
    const counting: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      if (new URL(request.url).pathname === '/auth/refresh') refreshes.push(request.url);
      return fetch(request);
    };
    const seen: (Session | null)[] = [];
    // An access token the services refuse (its signature is not theirs), with a good refresh token.
    const client = createRidelineClient({
      bookingUrl: services.urls['booking-service'],
      dispatchUrl: services.urls['dispatch-service'],
      session: { accessToken: `${session.accessToken.slice(0, -4)}AAAA`, refreshToken: session.refreshToken },
      fetch: counting,
      onSessionChange: (next) => seen.push(next),
    });
    const answers = await Promise.all([client.bookings.list(), client.bookings.list(), client.drivers.nearby({ lat: 1, lng: 1 })]);
    for (const answer of answers) expect(answer.ok).toBe(true);
    expect(refreshes).toHaveLength(1);
    expect(seen).toHaveLength(1);
    expect(client.getToken()).toBe(seen[0]?.accessToken);
    expect(client.getSession()?.refreshToken).not.toBe(session.refreshToken);
  });

  it('ends the session when the refresh token is refused, and answers the 401', { timeout: 30_000 }, async () => {
    const signedIn = await rider();
    const stale = signedIn.getSession()!;
    expectOk(await signedIn.refresh()); // rotates: the stale refresh token is now spent
    const client = newClient({ session: { accessToken: 'not-a-token', refreshToken: stale.refreshToken } });
    expect(await client.bookings.list()).toMatchObject({ ok: false, error: { kind: 'http', status: 401 } });
    expect(client.getSession()).toBeNull();
  });
});
