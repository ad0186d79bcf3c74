import { describe, expect, it } from 'vitest';
import { events, newId, publish } from '../../../services/realtime-gateway/test/support/events.ts';
import { sleep, until } from '../../../services/realtime-gateway/test/support/gateway.ts';
import { useGatewayHarness } from '../../../services/realtime-gateway/test/support/harness.ts';
import type { TestIssuer } from '../../../services/realtime-gateway/test/support/jwks-server.ts';
import { availableBookingsSocket, riderSocket } from '../src/socket/index.ts';
import { record } from './support/app-log.ts';
import { RecordingWebSocket } from './support/recording-web-socket.ts';

type Principal = Parameters<TestIssuer['token']>[0];

/**
 * The smallest send-queue bound, so a reader that stops is closed with 4008 soon; no ended
 * bookings in snapshots, so the flood that fills the queue is not sent again on reconnect.
 */
const h = useGatewayHarness('client-lifecycle', { gateways: [{ WS_MAX_BUFFERED_BYTES: '1024', WS_SNAPSHOT_ENDED_WITHIN_SECONDS: '0' }] });

const user = (): Principal => ({ kind: 'user', id: newId() });
const metric = async (pattern: RegExp): Promise<number> => {
  const match = pattern.exec(await (await fetch(`${h.gateway.httpBase}/metrics`)).text());
  return match ? Number(match[1]) : 0;
};
const base = { backoff: { baseMs: 100, capMs: 500 }, WebSocket: RecordingWebSocket } as const;
/** A rider socket on the test gateway, and what the app was told through it. */
const riderClient = (options: Omit<Parameters<typeof riderSocket>[0], keyof typeof base | 'url'>) => {
  const client = riderSocket({ ...base, url: h.gateway.wsBase, ...options });
  return { client, app: record(client, ['booking_status', 'otp', 'error']) };
};

describe('token refresh', () => {
  it('a token expiring while connected is refreshed in band (subprotocol auth): the socket never closes', async () => {
    const rider = user();
    let refreshes = 0;
    const { client, app } = riderClient({
      auth: 'subprotocol',
      getToken: () => h.issuer.token(rider, 3),
      refreshToken: () => {
        refreshes++;
        return h.issuer.token(rider, 3, Date.now() + refreshes); // distinct iat: a different token
      },
    });
    await until(() => client.state === 'open', 10_000, 'open');
    // Three token lifetimes: every token is replaced about halfway through its life.
    await sleep(9_000);
    expect(refreshes).toBeGreaterThanOrEqual(3);
    expect(app.states).toEqual([{ state: 'connecting', attempt: 0 }, { state: 'open' }]);
    expect(app.messages).toEqual([]); // no refusal of a refresh
    const booking = { bookingId: newId(), userId: rider.id };
    await publish.booking(h.kafka, events.requested(booking));
    await until(() => app.messages.length === 1, 10_000, 'a live status after the first token expired');
    expect(RecordingWebSocket.last().sent.filter((frame) => frame.includes('"refresh"'))).toHaveLength(refreshes);
    client.close();
    await expect(client.stopped).resolves.toEqual({ reason: 'closed', code: null });
  });

  it('4001 without a fresh token: the client stops', async () => {
    const rider = user();
    const { client, app } = riderClient({ auth: 'header', getToken: () => h.issuer.token(rider, 2), refreshToken: () => null });
    await expect(client.stopped).resolves.toEqual({ reason: 'unauthorized', code: 4001 });
    expect(app.states.map((s) => s.state)).toEqual(['connecting', 'open', 'closed', 'stopped']);
    expect(app.states[2]).toMatchObject({ code: 4001, action: 'reauthenticate' });
    expect(app.messages).toEqual([{ type: 'error', success: false, message: 'Invalid or expired token.' }]);
  });

  it('4001 with a fresh token: the client reconnects with it', async () => {
    const rider = user();
    let refreshes = 0;
    const { client, app } = riderClient({
      auth: 'header',
      getToken: () => h.issuer.token(rider, 2),
      // Refuses the refresh ahead of expiry (the app was offline, say), grants the one after 4001.
      refreshToken: () => (++refreshes === 1 ? null : h.issuer.token(rider, 300)),
    });
    await until(() => app.states.filter((s) => s.state === 'open').length === 2, 10_000, 'reopened');
    expect(app.states.find((s) => s.state === 'closed')).toMatchObject({ code: 4001, action: 'reauthenticate' });
    const booking = { bookingId: newId(), userId: rider.id };
    await publish.booking(h.kafka, events.requested(booking));
    await until(() => app.messages.some((m) => m.type === 'booking_status'), 10_000, 'a status on the new connection');
    client.close();
  });
});

describe('slow readers', () => {
  it('closed with 4008 when it stops reading, the client reconnects and receives again', async () => {
    const rider = user();
    const { client, app } = riderClient({ auth: 'header', getToken: () => h.issuer.token(rider, 300) });
    await until(() => client.state === 'open', 10_000, 'open');
    const slow = RecordingWebSocket.last();
    slow.pause();
    const closes = () => metric(/rideline_gateway_slow_client_closes_total\{endpoint="bookings"[^}]*\} (\d+)/);
    const before = await closes();
    // Kernel socket buffers absorb an unknown amount first: keep writing until the gateway gives up.
    for (let round = 0; round < 60 && (await closes()) === before; round++) {
      const bookings = Array.from({ length: 500 }, () => ({ bookingId: newId(), userId: rider.id }));
      await publish.booking(h.kafka, ...bookings.flatMap((b) => [events.requested(b), events.expired(b)]));
    }
    await until(async () => (await closes()) > before, 10_000, 'a slow-client close');
    slow.resume();
    await until(() => app.states.some((s) => s.state === 'closed'), 10_000, 'the close seen by the client');
    expect(app.states.find((s) => s.state === 'closed')).toMatchObject({ code: 4008, action: 'reconnect' });
    await until(() => app.states.filter((s) => s.state === 'open').length === 2, 10_000, 'reopened');
    const booking = { bookingId: newId(), userId: rider.id };
    await publish.booking(h.kafka, events.requested(booking));
    await until(() => app.messages.some((m) => m.type === 'booking_status' && m.booking_id === booking.bookingId), 10_000, 'a status after the reconnect');
    client.close();
  });
});

describe('driver locations', () => {
  it('throttled to one frame per interval, the latest position, and never closed for its rate', async () => {
    const driver: Principal = { kind: 'driver', id: newId() };
    const client = availableBookingsSocket({
      ...base,
      url: h.gateway.wsBase,
      auth: 'header',
      getToken: () => h.issuer.token(driver, 300),
      locationIntervalMs: 500,
    });
    const app = record(client, ['available_booking', 'booking_unavailable', 'error']);
    const frames = () => metric(/rideline_gateway_inbound_frames_total\{[^}]*kind="location"[^}]*\} (\d+)/);
    const before = await frames();
    // Reported before the socket opens: sent on open.
    client.reportLocation(12.9, 77.5);
    await until(() => client.state === 'open', 10_000, 'open');
    const started = Date.now();
    // 40 reports a second for 2 s: far beyond the gateway's 5 per second.
    for (let i = 1; i <= 80; i++) {
      client.reportLocation(12.9 + i / 1000, 77.5);
      await sleep(25);
    }
    await sleep(600); // the last report goes out within one interval
    const elapsed = Date.now() - started;
    const sent = RecordingWebSocket.last().sent.map((frame) => JSON.parse(frame) as { lat: number });
    expect(sent.length).toBeLessThanOrEqual(Math.ceil(elapsed / 500) + 1);
    expect(sent.length).toBeGreaterThanOrEqual(4);
    expect(sent.at(-1)?.lat).toBeCloseTo(12.98, 6);
    await until(async () => (await frames()) - before === sent.length, 5_000, 'the gateway counted every frame');
    expect(client.state).toBe('open');
    expect(app.messages).toEqual([]); // no refusal
    expect(() => client.reportLocation(91, 0)).toThrow(RangeError);
    client.close();
  });
});
