import { randomUUID } from 'node:crypto';
import type { Principal } from '@rideline/auth';
import { decodeMessage } from '@rideline/contracts';
import type { KafkaRuntime } from '@rideline/kafka';
import type { Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events, newId, publish } from './support/events.ts';
import { deleteTopics, sleep, startTestGateway, startTestKafka, uniqueTopics, until, untilReady, type TestGateway } from './support/gateway.ts';
import { startTestIssuer, type TestIssuer } from './support/jwks-server.ts';
import { connect, quietFor } from './support/ws-client.ts';

const topics = uniqueTopics('inbound');
const USER: Principal = { kind: 'user', id: newId() };
const OTHER_USER: Principal = { kind: 'user', id: newId() };
const DRIVER: Principal = { kind: 'driver', id: newId() };
const MALFORMED = { type: 'error', success: false, message: 'Malformed WebSocket request.' };
const UNAUTHORIZED = { type: 'error', success: false, message: 'Invalid or expired token.' };

let issuer: TestIssuer;
let kafka: KafkaRuntime;
let gateway: TestGateway;
let consumer: Consumer;
const locations: { key: string | null; value: unknown }[] = [];

beforeAll(async () => {
  issuer = await startTestIssuer();
  kafka = await startTestKafka(topics);
  gateway = await startTestGateway(topics, issuer.url, { WS_MAX_FRAME_BYTES: '1024', WS_INBOUND_BURST: '10', WS_INBOUND_RATE_PER_SECOND: '2' });
  consumer = kafka.kafka.consumer({ groupId: `test-locations-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [topics.driverLocations], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      locations.push({ key: message.key?.toString() ?? null, value: message.value ? (JSON.parse(message.value.toString()) as unknown) : null });
    },
  });
  await untilReady(gateway);
});

afterAll(async () => {
  await consumer?.disconnect();
  await gateway?.close();
  await deleteTopics(kafka, topics);
  await kafka?.close();
  await issuer?.close();
});

const url = (path: string) => `${gateway.wsBase}${path}`;

describe('inbound frames', () => {
  it('a location frame on the available-bookings socket becomes DriverStatusReported on driver.locations', async () => {
    const socket = await connect(url('/ws/driver/available_bookings/'), { token: issuer.token(DRIVER) });
    socket.send({ type: 'location', lat: 12.97, lng: 77.59 });
    await until(() => locations.length >= 1, 15_000, 'a record on driver.locations');
    const [record] = locations;
    expect(record?.key).toBe(DRIVER.id);
    const decoded = decodeMessage('driverLocations', JSON.stringify(record?.value));
    expect(decoded.ok).toBe(true);
    expect(record?.value).toMatchObject({
      type: 'DriverStatusReported',
      data: { driver_id: DRIVER.id, available: null, location: { lat: 12.97, lng: 77.59 } },
    });
    await quietFor(200, socket);
    expect(socket.messages).toEqual([]);
    socket.close();
  });

  it('answers anything malformed with the 400 body and keeps the socket open', async () => {
    const user = await connect(url('/ws/bookings/'), { token: issuer.token(USER) });
    const driver = await connect(url('/ws/driver/bookings/'), { token: issuer.token(DRIVER) });
    const available = await connect(url('/ws/driver/available_bookings/'), { token: issuer.token(DRIVER) });
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
    await publish.booking(kafka, events.requested(booking));
    await user.waitFor(6);
    expect(user.messages[5]).toMatchObject({ type: 'booking_status', booking_id: booking.bookingId, status: 'pending' });
    for (const socket of [user, driver, available]) expect(socket.closed).toBeNull();
    for (const socket of [user, driver, available]) socket.close();
  });

  it('closes with 1009 on a frame over the size cap', async () => {
    const socket = await connect(url('/ws/bookings/'), { token: issuer.token(USER) });
    socket.send({ type: 'refresh', token: 'x'.repeat(2_000) });
    expect((await socket.waitForClose()).code).toBe(1009);
  });

  it('closes with 1008 when frames come faster than the rate cap (after the disconnection notice on available bookings)', async () => {
    const socket = await connect(url('/ws/driver/available_bookings/'), { token: issuer.token(DRIVER) });
    for (let i = 0; i < 15; i++) socket.send({ type: 'location', lat: 1, lng: 1 });
    expect((await socket.waitForClose()).code).toBe(1008);
    expect(socket.messages.at(-1)).toEqual({ type: 'error', success: false, message: 'Driver disconnected from the available bookings group.' });
  });
});

describe('in-band token refresh', () => {
  it('a fresh token of the same principal keeps the socket open past the old exp', async () => {
    const USER: Principal = { kind: 'user', id: newId() };
    const socket = await connect(url('/ws/bookings/'), { token: issuer.token(USER, 2) });
    socket.send({ type: 'refresh', token: issuer.token(USER, 300) });
    await sleep(3_000);
    expect(socket.closed).toBeNull();
    expect(socket.messages).toEqual([]);
    const booking = { bookingId: newId(), userId: USER.id };
    await publish.booking(kafka, events.requested(booking));
    await socket.waitFor(1);
    socket.close();
  });

  it('refuses another principal’s, another kind’s, or an expired token with the 401 body, and the old token still ends the socket', async () => {
    const USER: Principal = { kind: 'user', id: newId() };
    const socket = await connect(url('/ws/bookings/'), { token: issuer.token(USER, 3) });
    const exp = Math.floor(Date.now() / 1000) + 3;
    socket.send({ type: 'refresh', token: issuer.token(OTHER_USER, 300) });
    socket.send({ type: 'refresh', token: issuer.token({ kind: 'driver', id: USER.id }, 300) });
    socket.send({ type: 'refresh', token: issuer.token(USER, 60, Date.now() - 120_000) });
    socket.send({ type: 'refresh', token: 'garbage' });
    await socket.waitFor(4);
    expect(socket.messages).toEqual([UNAUTHORIZED, UNAUTHORIZED, UNAUTHORIZED, UNAUTHORIZED]);
    expect(socket.closed).toBeNull();
    const closed = await socket.waitForClose(6_000);
    expect(closed.code).toBe(4001);
    expect(Date.now()).toBeGreaterThanOrEqual(exp * 1000);
    expect(socket.messages.at(-1)).toEqual(UNAUTHORIZED);
  });

  it('works on the driver endpoints too', async () => {
    const socket = await connect(url('/ws/driver/bookings/'), { token: issuer.token(DRIVER, 2) });
    socket.send({ type: 'refresh', token: issuer.token(DRIVER, 300) });
    await sleep(2_800);
    expect(socket.closed).toBeNull();
    socket.close();
  });
});
