import type { Principal } from '@rideline/auth';
import { metricSum } from '@rideline/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { events, newId, publish } from './support/events.ts';
import { untilReady } from './support/gateway.ts';
import { useGatewayHarness } from './support/harness.ts';
import { settled } from './support/sentinel.ts';
import { connect, type TestSocket } from './support/ws-client.ts';

const h = useGatewayHarness('caps');
const DISCONNECTED = { type: 'error', success: false, message: 'Driver disconnected from the available bookings group.' };

/** The default cap: WS_MAX_SOCKETS_PER_PRINCIPAL unset (5). */
const opened: TestSocket[] = [];

const open = async (path: string, principal: Principal): Promise<TestSocket> => {
  const socket = await connect(`${h.gateway.wsBase}${path}`, { token: h.issuer.token(principal) });
  opened.push(socket);
  return socket;
};

afterAll(() => {
  for (const socket of opened) socket.close();
});

describe('sockets per principal per endpoint (default 5)', () => {
  it('the sixth socket of a user closes the oldest with 4029; the five newest stay and get what is owed', async () => {
    const rider: Principal = { kind: 'user', id: newId() };
    const other: Principal = { kind: 'user', id: newId() };
    const bystander = await open('/ws/bookings/', other);
    const sockets: TestSocket[] = [];
    for (let i = 0; i < 6; i++) sockets.push(await open('/ws/bookings/', rider));
    const [oldest, ...newest] = sockets;

    expect(await oldest!.waitForClose(2_000)).toEqual({ code: 4029, reason: 'replaced by a newer connection' });
    expect(oldest!.messages).toEqual([]);
    // A socket is made room for as it opens: any other close it caused is written before our pings are read.
    await Promise.all([...newest, bystander].map((socket) => socket.roundTrip()));
    for (const socket of newest) expect(socket.closed).toBeNull();
    expect(bystander.closed).toBeNull();

    const booking = { bookingId: newId(), userId: rider.id };
    await publish.booking(h.kafka, events.requested(booking));
    for (const socket of newest) expect((await socket.waitFor(1))[0]).toMatchObject({ type: 'booking_status', booking_id: booking.bookingId });
    await settled(h, [bystander]);
    expect(bystander.messages).toEqual([]);

    const metrics = await (await fetch(`${h.gateway.httpBase}/metrics`)).text();
    expect(metrics).toMatch(/rideline_gateway_sockets_closed_total\{endpoint="bookings",code="4029"[^}]*\} 1/);
    expect(metrics).toMatch(/rideline_gateway_open_sockets\{endpoint="bookings"[^}]*\} 6/);
    // Every socket accepted is open or closed by some code.
    const bookings = { endpoint: 'bookings' };
    const opened = metricSum(metrics, 'rideline_gateway_sockets_opened_total', bookings);
    expect(opened).toBeGreaterThanOrEqual(7);
    expect(opened - metricSum(metrics, 'rideline_gateway_sockets_closed_total', bookings)).toBe(6);
  });

  it('counts each endpoint on its own, and announces the close on available bookings', async () => {
    const driver: Principal = { kind: 'driver', id: newId() };
    const assigned = await open('/ws/driver/bookings/', driver);
    const available: TestSocket[] = [];
    for (let i = 0; i < 6; i++) available.push(await open('/ws/driver/available_bookings/', driver));

    expect((await available[0]!.waitForClose(2_000)).code).toBe(4029);
    expect(available[0]!.messages).toEqual([DISCONNECTED]);
    await Promise.all([...available.slice(1), assigned].map((socket) => socket.roundTrip()));
    for (const socket of available.slice(1)) expect(socket.closed).toBeNull();
    expect(assigned.closed).toBeNull();
  });

  it('sockets that closed by themselves free their place', async () => {
    const rider: Principal = { kind: 'user', id: newId() };
    const first: TestSocket[] = [];
    for (let i = 0; i < 5; i++) first.push(await open('/ws/bookings/', rider));
    for (const socket of first.slice(0, 2)) socket.ws.close(1000);
    for (const socket of first.slice(0, 2)) await socket.waitForClose(2_000);
    const later = [await open('/ws/bookings/', rider), await open('/ws/bookings/', rider)];
    await Promise.all([...first.slice(2), ...later].map((socket) => socket.roundTrip()));
    for (const socket of [...first.slice(2), ...later]) expect(socket.closed).toBeNull();
  });
});

describe('the cap is a setting', () => {
  it('with WS_MAX_SOCKETS_PER_PRINCIPAL=2, the third socket closes the oldest with 4029', async () => {
    const gateway = await h.startGateway({ WS_MAX_SOCKETS_PER_PRINCIPAL: '2' });
    await untilReady(gateway);
    const rider: Principal = { kind: 'user', id: newId() };
    const sockets: TestSocket[] = [];
    for (let i = 0; i < 3; i++) {
      const socket = await connect(`${gateway.wsBase}/ws/bookings/`, { token: h.issuer.token(rider) });
      opened.push(socket);
      sockets.push(socket);
    }
    expect(await sockets[0]!.waitForClose(2_000)).toEqual({ code: 4029, reason: 'replaced by a newer connection' });
    await Promise.all(sockets.slice(1).map((socket) => socket.roundTrip()));
    for (const socket of sockets.slice(1)) expect(socket.closed).toBeNull();
  });
});
