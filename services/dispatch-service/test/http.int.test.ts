import { randomUUID } from 'node:crypto';
import { generateSigningKey, signAccessToken } from '@rideline/auth';
import { TOPIC_IDS, TOPICS } from '@rideline/contracts';
import { freePort } from '@rideline/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coarsePosition, distanceM } from '../src/domain/index.ts';
import { areas, dropTopics, north, startDispatch, startHarness, type Harness } from './support/dispatch-harness.ts';
import { TestIssuer } from '@rideline/auth/testing';
import { bookingAccepted } from './support/messages.ts';

/** The driver endpoints of API.md through the real app, publishing to the real broker. */
let h: Harness;
const nextArea = areas();
const NEARBY_PER_MINUTE = 5;
const UNAUTHORIZED = { success: false, message: 'Invalid or expired token.', code: 'UNAUTHORIZED' };

beforeAll(async () => {
  h = await startHarness({
    DISPATCH_STATE_CHECKPOINT_MS: '300',
    DISPATCH_AVAILABILITY_REFRESH_MS: '1500',
    DISPATCH_NEARBY_PER_MINUTE: String(NEARBY_PER_MINUTE),
  });
});
afterAll(async () => {
  await h?.close();
  if (h) await dropTopics(h.topics, [h.group]);
});

const put = (url: string, token: string | undefined, payload: unknown) =>
  h.system.app.inject({ method: 'PUT', url, payload: payload as object, headers: token ? { authorization: `Bearer ${token}` } : {} });
/** A PUT whose body is exactly `text`, sent as application/json. */
const putText = (url: string, token: string, text: string) =>
  h.system.app.inject({ method: 'PUT', url, payload: text, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
const nearby = (query: string, token: string | undefined) =>
  h.system.app.inject({ method: 'GET', url: `/drivers/nearby?${query}`, headers: token ? { authorization: `Bearer ${token}` } : {} });
const statusesOf = (driverId: string) =>
  h.reader.records.filter((r) => r.topic === h.topics.driverLocations && r.key === driverId).map((r) => (r.value as { data: unknown }).data);

describe('PUT /drivers/me/location and /availability', () => {
  it('answer 204, publish DriverStatusReported keyed by driver id, and update the state at once', async () => {
    const driverId = randomUUID();
    const token = h.jwks.tokenFor('driver', driverId);
    const at = north(nextArea(), 0);
    const located = await put('/drivers/me/location', token, at);
    expect(located.statusCode).toBe(204);
    expect(located.body).toBe('');
    expect(h.system.state.drivers.get(driverId)?.location).toMatchObject(at);
    const available = await put('/drivers/me/availability', token, { available: true });
    expect(available.statusCode).toBe(204);
    expect(h.system.state.drivers.get(driverId)?.available).toBe(true);

    await h.reader.waitFor(() => statusesOf(driverId).length >= 2);
    expect(statusesOf(driverId).slice(0, 2)).toEqual([
      { driver_id: driverId, available: null, location: at, reported_at: expect.any(String) },
      { driver_id: driverId, available: true, location: null, reported_at: expect.any(String) },
    ]);
  });

  it("keep the driver's availability on the compacted topic: once the record carrying it ages (DISPATCH_AVAILABILITY_REFRESH_MS), the last record carries it again", async () => {
    const driverId = randomUUID();
    const token = h.jwks.tokenFor('driver', driverId);
    const at = north(nextArea(), 0);
    const availableSentAt = Date.now();
    expect((await put('/drivers/me/availability', token, { available: true })).statusCode).toBe(204);
    expect((await put('/drivers/me/location', token, at)).statusCode).toBe(204);
    const last = await h.reader.find(() => {
      const statuses = statusesOf(driverId) as { available: boolean | null; location: unknown }[];
      return statuses.length >= 3 && statuses.at(-1);
    });
    expect(last).toMatchObject({ driver_id: driverId, available: true, location: at });
    // Not before the availability record was 1.5 s old: a ping alone does not make dispatch re-publish.
    const republished = h.reader.records.filter((r) => r.topic === h.topics.driverLocations && r.key === driverId).at(-1)!.value as { occurred_at: string };
    expect(Date.parse(republished.occurred_at) - availableSentAt).toBeGreaterThanOrEqual(1500);
  });

  it.each([
    ['/drivers/me/location', { lat: 95, lng: 10 }, 'body.lat'],
    ['/drivers/me/location', { lat: 10, lng: -181 }, 'body.lng'],
    ['/drivers/me/location', { lat: 10 }, 'body.lng'],
    ['/drivers/me/location', { lat: '10', lng: 10 }, 'body.lat'],
    ['/drivers/me/location', { lat: 10, lng: 10, speed: 3 }, 'body.speed'],
    ['/drivers/me/availability', { available: 'yes' }, 'body.available'],
    ['/drivers/me/availability', {}, 'body.available'],
  ])('answer 400 naming the bad field: PUT %s %j', async (url, payload, field) => {
    const response = await put(url, h.jwks.tokenFor('driver'), payload);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ success: false, code: 'VALIDATION_FAILED' });
    expect(response.json().message).toContain(field);
  });

  it('treat an empty body sent as application/json as no body: the required one is still refused naming it', async () => {
    const token = h.jwks.tokenFor('driver');
    const empty = await putText('/drivers/me/availability', token, '');
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toEqual({ success: false, code: 'VALIDATION_FAILED', message: 'body must be object' });
    expect((await put('/drivers/me/availability', token, { available: false })).statusCode).toBe(204);
  });

  it('answer 400 naming the field for a lone surrogate or NUL anywhere in the request', async () => {
    const token = h.jwks.tokenFor('driver');
    const surrogate = await putText('/drivers/me/location', token, '{"lat":1,"lng":2,"note":"\\ud800"}');
    expect(surrogate.statusCode).toBe(400);
    expect(surrogate.json().message).toContain('body.note must not hold a lone surrogate');
    const nul = await nearby('lat=1&lng=2&radius_m=%00', h.jwks.tokenFor('user'));
    expect(nul.statusCode).toBe(400);
    expect(nul.json().message).toContain('querystring.radius_m must not hold a NUL character');
  });

  it('answer 401 with the exact body for a missing, malformed, forged or expired token', async () => {
    const otherKey = generateSigningKey();
    const tokens = [
      undefined,
      'not-a-jwt',
      signAccessToken(otherKey, { kind: 'driver', id: randomUUID() }, { ttlSeconds: 900 }),
      signAccessToken(h.jwks.key, { kind: 'driver', id: randomUUID() }, { ttlSeconds: 60, now: Date.now() - 120_000 }),
    ];
    for (const token of tokens) {
      const response = await put('/drivers/me/location', token, { lat: 1, lng: 2 });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual(UNAUTHORIZED);
    }
    expect((await nearby('lat=1&lng=2', undefined)).json()).toEqual(UNAUTHORIZED);
  });

  it('answer 403 to a user token', async () => {
    for (const [url, payload] of [
      ['/drivers/me/location', { lat: 1, lng: 2 }],
      ['/drivers/me/availability', { available: true }],
    ] as const) {
      const response = await put(url, h.jwks.tokenFor('user'), payload);
      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({ success: false, code: 'FORBIDDEN' });
    }
  });

  it('answer 403 to an operator token, on the driver routes and on /drivers/nearby', async () => {
    for (const [url, payload] of [
      ['/drivers/me/location', { lat: 1, lng: 2 }],
      ['/drivers/me/availability', { available: true }],
    ] as const) {
      const response = await put(url, h.jwks.tokenFor('operator'), payload);
      expect(response.statusCode).toBe(403);
    }
    const response = await nearby('lat=1&lng=2', h.jwks.tokenFor('operator'));
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ success: false, code: 'FORBIDDEN', message: 'Only riders and drivers can do this.' });
  });
});

describe('GET /drivers/nearby', () => {
  it('lists the eligible drivers near a point, with distances from their coarse cells rounded to 100 m', async () => {
    const centre = nextArea();
    const report = async (metres: number, available: boolean) => {
      const driverId = randomUUID();
      const token = h.jwks.tokenFor('driver', driverId);
      expect((await put('/drivers/me/location', token, north(centre, metres))).statusCode).toBe(204);
      expect((await put('/drivers/me/availability', token, { available })).statusCode).toBe(204);
      return driverId;
    };
    /** What the service may say: the distance to the centre of the driver's ~200 m cell, rounded. */
    const coarseDistance = (metres: number) => {
      const at = north(centre, metres);
      return Math.round(distanceM(centre, coarsePosition(at.lat, at.lng)) / 100) * 100;
    };
    const near = await report(420, true);
    const alsoNear = await report(1960, true);
    await report(300, false);
    await report(9000, true); // outside the radius
    const busy = await report(100, true);
    await h.publish('bookingEvents', 'some-booking', bookingAccepted('some-booking', busy));
    await h.reader.waitFor(() => h.system.state.drivers.get(busy)?.activeBookingIds.length === 1);

    const response = await nearby(`lat=${centre.lat}&lng=${centre.lng}&radius_m=5000`, h.jwks.tokenFor('user'));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      drivers: [
        { driver_id: near, distance_m: coarseDistance(420) },
        { driver_id: alsoNear, distance_m: coarseDistance(1960) },
      ],
    });
    expect(coarseDistance(420)).toBeGreaterThanOrEqual(300);
    expect(coarseDistance(420)).toBeLessThanOrEqual(600);
    // Any principal may ask; the radius defaults to 5 km.
    const byDriver = await nearby(`lat=${centre.lat}&lng=${centre.lng}`, h.jwks.tokenFor('driver'));
    expect(byDriver.json().drivers).toHaveLength(2);
  });

  it(`is rate-limited per principal: 429 with the API body and Retry-After after ${NEARBY_PER_MINUTE} a minute, other principals unaffected`, async () => {
    const riderId = randomUUID();
    const rider = h.jwks.tokenFor('user', riderId);
    for (let i = 0; i < NEARBY_PER_MINUTE; i++) expect((await nearby('lat=1&lng=2', rider)).statusCode).toBe(200);
    const refused = await nearby('lat=1&lng=2', rider);
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toEqual({ success: false, code: 'TOO_MANY_REQUESTS', message: expect.stringMatching(/^Too many requests; retry in \d+ s\.$/) });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    // A new token of the same rider is the same budget; another rider, and a driver with the same id, are not.
    expect((await nearby('lat=1&lng=2', h.jwks.tokenFor('user', riderId))).statusCode).toBe(429);
    expect((await nearby('lat=1&lng=2', h.jwks.tokenFor('user'))).statusCode).toBe(200);
    expect((await nearby('lat=1&lng=2', h.jwks.tokenFor('driver', riderId))).statusCode).toBe(200);
    // Over the budget, a bad query is still 400 and an anonymous one 401: only answerable requests count.
    expect((await nearby('lat=91&lng=2', rider)).statusCode).toBe(400);
    expect((await nearby('lat=1&lng=2', undefined)).statusCode).toBe(401);
  });

  it.each([
    ['lat=abc&lng=1', 'querystring.lat'],
    ['lat=91&lng=1', 'querystring.lat'],
    ['lat=1', 'querystring.lng'],
    ['lat=1&lng=1&radius_m=0', 'querystring.radius_m'],
    ['lat=1&lng=1&radius_m=50001', 'querystring.radius_m'],
    ['lat=1&lng=1&limit=3', 'querystring.limit'],
  ])('answers 400 naming the bad parameter: %s', async (query, field) => {
    const response = await nearby(query, h.jwks.tokenFor('user'));
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toContain(field);
  });
});

describe('the OpenAPI document', () => {
  it('describes the driver routes', async () => {
    const response = await h.system.app.inject({ url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    const paths = response.json().paths as Record<string, Record<string, unknown>>;
    expect(Object.keys(paths['/drivers/me/location'] ?? {})).toContain('put');
    expect(Object.keys(paths['/drivers/me/availability'] ?? {})).toContain('put');
    expect(Object.keys(paths['/drivers/nearby'] ?? {})).toContain('get');
  });
});

describe('readiness and the signing keys', () => {
  it("exports each consumer's lag per partition it reads (state and group member)", async () => {
    const deadline = Date.now() + 15_000;
    let groups = new Set<string>();
    while (groups.size < 2 && Date.now() < deadline) {
      const text = (await h.system.app.inject({ url: '/metrics' })).body;
      groups = new Set([...text.matchAll(/^rideline_kafka_consumer_lag_records\{[^}]*group="([^"]+)"[^}]*\} \d+/gm)].map((m) => m[1]!));
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(groups.size).toBe(2);
    expect(groups.has(h.group)).toBe(true);
    expect([...groups].some((group) => group.startsWith(`${h.group}.picture.`))).toBe(true);
  });

  it('reports kafka, feed, auth, lag and state up', async () => {
    const response = await h.system.app.inject({ url: '/health/ready' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ready', checks: { kafka: 'up', feed: 'up', auth: 'up', lag: 'up', state: 'up' } });
  });

  it('starts before booking-service serves its keys, reports auth down until it does, then admits tokens', async () => {
    const port = await freePort();
    const jwks = new TestIssuer();
    const system = await startDispatch({
      AUTH_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`,
      ...Object.fromEntries(TOPIC_IDS.map((id) => [TOPICS[id].envVar, h.topics[id]])),
      DISPATCH_CONSUMER_GROUP: `it-keys-${randomUUID()}`,
    });
    try {
      await system.whenActive();
      expect((await system.app.inject({ url: '/health/live' })).statusCode).toBe(200);
      const notReady = await system.app.inject({ url: '/health/ready' });
      expect(notReady.statusCode).toBe(503);
      expect(notReady.json().checks).toEqual({ kafka: 'up', feed: 'up', auth: 'down', lag: 'up', state: 'up' });
      const token = jwks.tokenFor('driver');
      const refused = await system.app.inject({
        method: 'PUT',
        url: '/drivers/me/availability',
        payload: { available: true },
        headers: { authorization: `Bearer ${token}` },
      });
      expect(refused.statusCode).toBe(503);

      await jwks.start(port);
      const deadline = Date.now() + 10_000;
      while ((await system.app.inject({ url: '/health/ready' })).statusCode !== 200) {
        if (Date.now() > deadline) throw new Error('never ready');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const admitted = await system.app.inject({
        method: 'PUT',
        url: '/drivers/me/availability',
        payload: { available: true },
        headers: { authorization: `Bearer ${token}` },
      });
      expect(admitted.statusCode).toBe(204);
    } finally {
      await system.close();
      await jwks.stop();
    }
  });
});
