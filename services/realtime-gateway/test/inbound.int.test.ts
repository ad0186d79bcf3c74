import { randomUUID } from 'node:crypto';
import type { Principal } from '@rideline/auth';
import { decodeMessage } from '@rideline/contracts';
import { ManualClock } from '@rideline/service-kit';
import type { Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events, newId, publish } from './support/events.ts';
import { connectionOf, until } from './support/gateway.ts';
import { useGatewayHarness } from './support/harness.ts';
import { connect } from './support/ws-client.ts';

const USER: Principal = { kind: 'user', id: newId() };
const OTHER_USER: Principal = { kind: 'user', id: newId() };
const DRIVER: Principal = { kind: 'driver', id: newId() };
const MALFORMED = { type: 'error', success: false, message: 'Malformed WebSocket request.' };
const UNAUTHORIZED = { type: 'error', success: false, message: 'Invalid or expired token.' };

/** The gateway's time: expiry and rate budgets move only when a test advances it. */
const clock = new ManualClock();
const h = useGatewayHarness('inbound', { gateways: [{ WS_MAX_FRAME_BYTES: '1024', WS_INBOUND_BURST: '10', WS_INBOUND_RATE_PER_SECOND: '2' }], clock });
let consumer: Consumer;
const locations: { key: string | null; value: unknown }[] = [];

beforeAll(async () => {
  consumer = h.kafka.kafka.consumer({ groupId: `test-locations-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [h.topics.driverLocations], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      locations.push({ key: message.key?.toString() ?? null, value: message.value ? (JSON.parse(message.value.toString()) as unknown) : null });
    },
  });
});

afterAll(async () => {
  await consumer?.disconnect();
});

const url = (path: string) => `${h.gateway.wsBase}${path}`;

describe('inbound frames', () => {
  it('a location frame on the available-bookings socket becomes DriverStatusReported on driver.locations', async () => {
    // A driver of its own: the sentinel offer stays in its snapshot.
    const driver: Principal = { kind: 'driver', id: newId() };
    const socket = await connect(url('/ws/driver/available_bookings/'), { token: h.issuer.token(driver) });
    socket.send({ type: 'location', lat: 12.97, lng: 77.59 });
    await until(() => locations.length >= 1, 15_000, 'a record on driver.locations');
    const [record] = locations;
    expect(record?.key).toBe(driver.id);
    const decoded = decodeMessage('driverLocations', JSON.stringify(record?.value));
    expect(decoded.ok).toBe(true);
    expect(record?.value).toMatchObject({
      type: 'DriverStatusReported',
      data: { driver_id: driver.id, available: null, location: { lat: 12.97, lng: 77.59 } },
    });
    // Nothing answered the frame: the next thing the socket gets is an offer published after it.
    const sentinel = newId();
    await publish.offer(h.kafka, events.offered(sentinel, driver.id, 'Sentinel Street'));
    await socket.waitFor(1);
    expect(socket.messages).toEqual([expect.objectContaining({ booking_id: sentinel })]);
    socket.close();
  });

  it('answers anything malformed with the 400 body and keeps the socket open', async () => {
    const user = await connect(url('/ws/bookings/'), { token: h.issuer.token(USER) });
    const driver = await connect(url('/ws/driver/bookings/'), { token: h.issuer.token(DRIVER) });
    const available = await connect(url('/ws/driver/available_bookings/'), { token: h.issuer.token(DRIVER) });
    const bad: [typeof user, string | Buffer][] = [
      [user, 'not json'],
      [user, '[1,2]'],
      [user, '{}'],
      [user, '{"type":"subscribe"}'],
      [user, '{"type":"location","lat":12.9,"lng":77.5}'], // only drivers, only on available bookings
      [driver, '{"type":"location","lat":12.9,"lng":77.5}'],
      [available, '{"type":"location","lat":91,"lng":77.5}'],
      [available, '{"type":"location","lat":"12.9","lng":77.5}'],
      [available, '{"type":"refresh"}'],
      [available, Buffer.from([1, 2, 3])],
    ];
    for (const [socket, frame] of bad) socket.ws.send(frame);
    await user.waitFor(5);
    await driver.waitFor(1);
    await available.waitFor(4);
    for (const socket of [user, driver, available]) expect(socket.messages.every((m) => JSON.stringify(m) === JSON.stringify(MALFORMED))).toBe(true);
    // Still open and still served.
    const booking = { bookingId: newId(), userId: USER.id };
    await publish.booking(h.kafka, events.requested(booking));
    await user.waitFor(6);
    expect(user.messages[5]).toMatchObject({ type: 'booking_status', booking_id: booking.bookingId, status: 'pending' });
    for (const socket of [user, driver, available]) expect(socket.closed).toBeNull();
    for (const socket of [user, driver, available]) socket.close();
  });

  it('closes with 1009 on a frame over the size cap', async () => {
    const socket = await connect(url('/ws/bookings/'), { token: h.issuer.token(USER) });
    socket.send({ type: 'refresh', token: 'x'.repeat(2_000) });
    expect((await socket.waitForClose()).code).toBe(1009);
  });

  it('closes with 1008 when frames come faster than the rate cap (after the disconnection notice on available bookings)', async () => {
    const socket = await connect(url('/ws/driver/available_bookings/'), { token: h.issuer.token(DRIVER) });
    for (let i = 0; i < 15; i++) socket.send({ type: 'location', lat: 1, lng: 1 });
    expect((await socket.waitForClose()).code).toBe(1008);
    expect(socket.messages.at(-1)).toEqual({ type: 'error', success: false, message: 'Driver disconnected from the available bookings group.' });
  });

  it('refills the rate budget as the clock moves: two frames a second', async () => {
    const driver: Principal = { kind: 'driver', id: newId() };
    const socket = await connect(url('/ws/driver/available_bookings/'), { token: h.issuer.token(driver) });
    const answered = (count: number) => socket.waitFor(count);
    // Malformed frames are answered one by one, so each answer shows a frame was let through.
    for (let i = 0; i < 10; i++) socket.ws.send('{}');
    await answered(10);
    clock.advance(1_000);
    socket.ws.send('{}');
    socket.ws.send('{}');
    await answered(12);
    expect(socket.closed).toBeNull();
    socket.ws.send('{}');
    expect((await socket.waitForClose()).code).toBe(1008);
  });
});

describe('in-band token refresh', () => {
  /** Resolves once the gateway has moved the socket of `principal` to a token expiring at `exp`. */
  const refreshedTo = (principal: Principal, exp: number) =>
    until(() => connectionOf(h.gateway, principal.id)?.expiresAt === exp, 10_000, 'the refresh applied');

  /** Proves the socket open and silent: the next thing it gets is a booking published now. */
  async function stillServed(socket: Awaited<ReturnType<typeof connect>>, principal: Principal): Promise<void> {
    const booking = { bookingId: newId(), userId: principal.id };
    await publish.booking(h.kafka, events.requested(booking));
    await socket.waitFor(1);
    expect(socket.messages).toEqual([expect.objectContaining({ booking_id: booking.bookingId, status: 'pending' })]);
    expect(socket.closed).toBeNull();
  }

  /** A socket on `path` opened with a 2 s token and refreshed in band to a 300 s one: still open once the clock is past the old exp. */
  async function openPastOldExp(path: string, principal: Principal): Promise<Awaited<ReturnType<typeof connect>>> {
    const socket = await connect(url(path), { token: h.issuer.token(principal, 2) });
    const fresh = Math.floor(clock.now() / 1000) + 300;
    socket.send({ type: 'refresh', token: h.issuer.token(principal, 300) });
    await refreshedTo(principal, fresh);
    clock.advance(3_000);
    expect(connectionOf(h.gateway, principal.id)?.closing).toBe(false);
    return socket;
  }

  it('a fresh token of the same principal keeps the socket open past the old exp', async () => {
    const USER: Principal = { kind: 'user', id: newId() };
    const socket = await openPastOldExp('/ws/bookings/', USER);
    await stillServed(socket, USER);
    socket.close();
  });

  it('refuses another principal’s, another kind’s, or an expired token with the 401 body, and the old token still ends the socket', async () => {
    const USER: Principal = { kind: 'user', id: newId() };
    const socket = await connect(url('/ws/bookings/'), { token: h.issuer.token(USER, 3) });
    const exp = Math.floor(clock.now() / 1000) + 3;
    socket.send({ type: 'refresh', token: h.issuer.token(OTHER_USER, 300) });
    socket.send({ type: 'refresh', token: h.issuer.token({ kind: 'driver', id: USER.id }, 300) });
    socket.send({ type: 'refresh', token: h.issuer.token(USER, 60, clock.now() - 120_000) });
    socket.send({ type: 'refresh', token: 'garbage' });
    await socket.waitFor(4);
    expect(socket.messages).toEqual([UNAUTHORIZED, UNAUTHORIZED, UNAUTHORIZED, UNAUTHORIZED]);
    expect(connectionOf(h.gateway, USER.id)?.expiresAt).toBe(exp);
    // Open until the last millisecond before the old exp, closed at it.
    clock.advance(exp * 1000 - 1 - clock.now());
    expect(connectionOf(h.gateway, USER.id)?.closing).toBe(false);
    clock.advance(1);
    const closed = await socket.waitForClose(6_000);
    expect(closed.code).toBe(4001);
    expect(socket.messages.at(-1)).toEqual(UNAUTHORIZED);
  });

  it('works on the driver endpoints too', async () => {
    const driver: Principal = { kind: 'driver', id: newId() };
    const socket = await openPastOldExp('/ws/driver/bookings/', driver);
    expect(socket.closed).toBeNull();
    socket.close();
  });
});
