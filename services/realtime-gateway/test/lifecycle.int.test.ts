import { connect as connectTcp } from 'node:net';
import type { Principal } from '@rideline/auth';
import { ManualClock } from '@rideline/service-kit';
import { beforeAll, describe, expect, it } from 'vitest';
import { events, newId, publish } from './support/events.ts';
import { connectionOf, startTestGateway, until, untilReady, within, type TestGateway } from './support/gateway.ts';
import { useGatewayHarness } from './support/harness.ts';
import { connect } from './support/ws-client.ts';

const UNAUTHORIZED = { type: 'error', success: false, message: 'Invalid or expired token.' };
const DISCONNECTED = { type: 'error', success: false, message: 'Driver disconnected from the available bookings group.' };

/** Both gateways' time: token expiry and pings happen only when a test advances it. */
const clock = new ManualClock();
const PING_INTERVAL_MS = 150;
const h = useGatewayHarness('lifecycle', { gateways: [{ WS_MAX_BUFFERED_BYTES: '65536' }, { WS_PING_INTERVAL_MS: String(PING_INTERVAL_MS) }], clock });
/** Small send-queue bound; pings rare enough not to interfere. */
let bounded: TestGateway;
/** Pings of its own, to see dead peers dropped. */
let pinging: TestGateway;

beforeAll(() => {
  [bounded, pinging] = h.gateways as [TestGateway, TestGateway];
});

const user = (): Principal => ({ kind: 'user', id: newId() });
const driver = (): Principal => ({ kind: 'driver', id: newId() });
const metric = async (gateway: TestGateway, pattern: RegExp): Promise<number> => {
  const match = pattern.exec(await (await fetch(`${gateway.httpBase}/metrics`)).text());
  return match ? Number(match[1]) : 0;
};

describe('token expiry', () => {
  it('sends the 401 body and closes with 4001 at exp', async () => {
    const rider = user();
    const socket = await connect(`${bounded.wsBase}/ws/bookings/`, { token: h.issuer.token(rider, 2) });
    const exp = Math.floor(clock.now() / 1000) + 2;
    // Open until the last millisecond before exp, closing at it.
    clock.advance(exp * 1000 - 1 - clock.now());
    expect(connectionOf(bounded, rider.id)?.closing).toBe(false);
    clock.advance(1);
    expect(connectionOf(bounded, rider.id)?.closing ?? true).toBe(true);
    const closed = await socket.waitForClose(5_000);
    expect(closed.code).toBe(4001);
    expect(socket.messages).toEqual([UNAUTHORIZED]);
  });

  it('on an available-bookings socket: the 401 body, then the disconnection message, then 4001', async () => {
    const socket = await connect(`${bounded.wsBase}/ws/driver/available_bookings/`, { token: h.issuer.token(driver(), 1) });
    clock.advance(1_000);
    expect((await socket.waitForClose(5_000)).code).toBe(4001);
    expect(socket.messages).toEqual([UNAUTHORIZED, DISCONNECTED]);
  });
});

describe('slow clients', () => {
  it('a client that stops reading is closed with 4008 once its send queue passes the bound', async () => {
    const slowDriver = driver();
    const socket = await connect(`${bounded.wsBase}/ws/driver/available_bookings/`, { token: h.issuer.token(slowDriver) });
    const healthy = await connect(`${bounded.wsBase}/ws/bookings/`, { token: h.issuer.token(user()) });
    socket.ws.pause();
    const before = await metric(bounded, /rideline_gateway_slow_client_closes_total\{endpoint="driver_available_bookings"[^}]*\} (\d+)/);
    const address = `${'Long Street '.repeat(40)}, City`;
    // Kernel socket buffers absorb an unknown amount first: keep offering until the gateway gives up.
    for (let round = 0; round < 40; round++) {
      await publish.offer(h.kafka, ...Array.from({ length: 500 }, () => events.offered(newId(), slowDriver.id, address)));
      const closes = await metric(bounded, /rideline_gateway_slow_client_closes_total\{endpoint="driver_available_bookings"[^}]*\} (\d+)/);
      if (closes > before) break;
    }
    await until(
      async () => (await metric(bounded, /rideline_gateway_slow_client_closes_total\{endpoint="driver_available_bookings"[^}]*\} (\d+)/)) > before,
      10_000,
      'a slow-client close',
    );
    socket.ws.resume();
    expect((await socket.waitForClose()).code).toBe(4008);
    expect(socket.messages.at(-1)).toEqual(DISCONNECTED);
    // Others are unaffected.
    expect(healthy.closed).toBeNull();
    healthy.close();
  });
});

describe('dead peers', () => {
  it('a peer that stops answering pings is dropped', async () => {
    const rider = user();
    const socket = await connect(`${pinging.wsBase}/ws/bookings/`, { token: h.issuer.token(user()) });
    const alive = await connect(`${pinging.wsBase}/ws/bookings/`, { token: h.issuer.token(rider) });
    await until(() => pinging.gateway.service.hub.size === 2);
    socket.ws.pause();
    // A ping to both; only the live one answers before the next.
    clock.advance(PING_INTERVAL_MS);
    await until(() => connectionOf(pinging, rider.id)?.alive === true, 3_000, 'the pong of the live peer');
    expect(pinging.gateway.service.hub.size).toBe(2);
    clock.advance(PING_INTERVAL_MS);
    await until(() => pinging.gateway.service.hub.size === 1, 3_000, 'the dead peer dropped');
    // The live peer is still served: the next thing it gets is a booking published now.
    const booking = { bookingId: newId(), userId: rider.id };
    await publish.booking(h.kafka, events.requested(booking));
    await alive.waitFor(1);
    expect(alive.messages).toEqual([expect.objectContaining({ booking_id: booking.bookingId })]);
    expect(alive.closed).toBeNull();
    alive.close();
    socket.close();
  });
});

describe('shutdown', () => {
  it('closes every socket with 1001, the disconnection message first on available bookings', async () => {
    const rider = user();
    const userSocket = await connect(`${pinging.wsBase}/ws/bookings/`, { token: h.issuer.token(rider) });
    const available = await connect(`${pinging.wsBase}/ws/driver/available_bookings/`, { token: h.issuer.token(driver()) });
    const booking = { bookingId: newId(), userId: rider.id };
    await publish.booking(h.kafka, events.requested(booking));
    await userSocket.waitFor(1);
    await pinging.close();
    expect((await userSocket.waitForClose()).code).toBe(1001);
    expect((await available.waitForClose()).code).toBe(1001);
    expect(available.messages).toEqual([DISCONNECTED]);
    expect(userSocket.messages).toHaveLength(1);
  });

  it('finishes even when an upgrade arrives while it is closing the sockets (it used to wait for that one forever)', async () => {
    const draining = await startTestGateway(h.topics, h.issuer.url, { SHUTDOWN_TIMEOUT_MS: '3000' });
    await untilReady(draining);
    // A peer that never answers the close frame keeps the sockets closing until the deadline.
    const deaf = await connect(`${draining.wsBase}/ws/bookings/`, { token: h.issuer.token(user()) });
    deaf.ws.pause();
    const closing = draining.close();
    await until(() => deaf.ws.readyState !== deaf.ws.OPEN || draining.gateway.service.hub.size === 1, 1_000);
    await new Promise((resolve) => setTimeout(resolve, 100)); // closing has begun; the port still listens
    const { port } = new URL(draining.httpBase);
    const late = connectTcp(Number(port), '127.0.0.1');
    let answer = '';
    late.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    const ended = new Promise<void>((resolve) => late.once('end', () => resolve()));
    late.on('error', () => {});
    late.write(
      [
        'GET /ws/bookings/ HTTP/1.1',
        `Host: 127.0.0.1:${port}`,
        'Connection: Upgrade',
        'Upgrade: websocket',
        'Sec-WebSocket-Version: 13',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        `Authorization: Bearer ${h.issuer.token(user())}`,
        '',
        '',
      ].join('\r\n'),
    );
    await within(10_000, 'the gateway closing', closing);
    await within(2_000, 'the late upgrade connection ended by the server', ended);
    expect(answer).toMatch(/^HTTP\/1\.1 503 /);
    late.destroy();
    deaf.close();
  });
});
