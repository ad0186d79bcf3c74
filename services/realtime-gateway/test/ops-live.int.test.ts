/**
 * `/ws/ops/live` against the real broker: operator tokens only (and operator tokens nowhere
 * else), a snapshot on connect built from what was on the topics before, then batched updates
 * in which a driver's many pings arrive as one entry with the latest position.
 */
import type { Principal } from '@rideline/auth';
import { isOpsMessage, type OpsSnapshotMessage, type OpsUpdateMessage } from '@rideline/contracts';
import type { KafkaRuntime } from '@rideline/kafka';
import { describe, expect, it } from 'vitest';
import { events, newId, publish } from './support/events.ts';
import { sleep, until } from './support/gateway.ts';
import { useGatewayHarness } from './support/harness.ts';
import { connect, refusal, type TestSocket } from './support/ws-client.ts';

const OPERATOR: Principal = { kind: 'operator', id: newId() };
const USER: Principal = { kind: 'user', id: newId() };
const DRIVER: Principal = { kind: 'driver', id: newId() };
const UNAUTHORIZED = { success: false, message: 'Invalid or expired token.' };
const FRAME_MS = 200;
/** Small enough to reach in a test, large enough for a frame of a few thousand drivers (about 130 bytes each). */
const OPS_BUFFER_BYTES = 1_048_576;

/** On the topics before the gateway started: must be in the snapshot. */
const early = { driverId: newId(), booking: { bookingId: newId(), userId: USER.id } };
async function publishEarly(kafka: KafkaRuntime): Promise<void> {
  await publish.location(kafka, events.location(early.driverId, 12.95, 77.6));
  await publish.booking(kafka, events.requested(early.booking));
  await publish.offer(kafka, events.offered(early.booking.bookingId, early.driverId));
}
const h = useGatewayHarness('ops', {
  gateways: [{ OPS_STREAM_ENABLED: 'true', OPS_FRAME_INTERVAL_MS: String(FRAME_MS), OPS_MAX_BUFFERED_BYTES: String(OPS_BUFFER_BYTES) }],
  beforeGateways: publishEarly,
});

const slowCloses = async (): Promise<number> => {
  const text = await (await fetch(`${h.gateway.httpBase}/metrics`)).text();
  return Number(/gateway_slow_client_closes_total\{endpoint="ops_live"[^}]*\} (\d+)/.exec(text)?.[1] ?? 0);
};

const ops = () => connect(`${h.gateway.wsBase}/ws/ops/live`, { token: h.issuer.token(OPERATOR) });
const updates = (socket: TestSocket) => socket.of('ops_update') as unknown as OpsUpdateMessage[];

describe('who may open it', () => {
  it('refuses rider and driver tokens (401), and operator tokens on the rider and driver endpoints', async () => {
    for (const principal of [USER, DRIVER]) {
      const refused = await refusal(`${h.gateway.wsBase}/ws/ops/live`, { token: h.issuer.token(principal) });
      expect(refused).toMatchObject({ status: 401, body: UNAUTHORIZED });
    }
    for (const path of ['/ws/bookings/', '/ws/driver/bookings/', '/ws/driver/available_bookings/']) {
      const refused = await refusal(`${h.gateway.wsBase}${path}`, { token: h.issuer.token(OPERATOR) });
      expect(refused).toMatchObject({ status: 401, body: UNAUTHORIZED });
    }
  });

  it('admits an operator token sent the browser way (subprotocol)', async () => {
    const socket = await connect(`${h.gateway.wsBase}/ws/ops/live`, { token: h.issuer.token(OPERATOR), via: 'subprotocol' });
    await socket.waitFor(1);
    expect(socket.messages[0]?.type).toBe('ops_snapshot');
    socket.close();
  });
});

describe('what it sends', () => {
  it('first a snapshot of what the topics held before it opened, in the contract', async () => {
    const socket = await ops();
    const [first] = await socket.waitFor(1);
    expect(isOpsMessage(first)).toBe(true);
    const snapshot = first as unknown as OpsSnapshotMessage;
    expect(snapshot.drivers).toContainEqual(expect.objectContaining({ id: early.driverId, lat: 12.95, lng: 77.6, state: 'offered' }));
    expect(snapshot.bookings).toContainEqual(expect.objectContaining({ id: early.booking.bookingId, status: 'pending' }));
    expect(snapshot.offers).toContainEqual(expect.objectContaining({ booking_id: early.booking.bookingId, driver_id: early.driverId }));
    expect(snapshot.stats.offers_last_minute).toBeGreaterThanOrEqual(1);
    socket.close();
  });

  it("coalesces a driver's pings: one entry per frame, with the latest position", async () => {
    const socket = await ops();
    await socket.waitFor(1);
    const driverId = newId();
    const pings = Array.from({ length: 50 }, (_, i) => events.location(driverId, 12.9 + i / 1000, 77.5));
    await publish.location(h.kafka, ...pings);
    await until(() => updates(socket).some((frame) => frame.drivers.some((d) => d.id === driverId && d.lat === 12.949)), 10_000, 'latest position');
    const entries = updates(socket).flatMap((frame) => frame.drivers.filter((d) => d.id === driverId));
    // 50 pings published at once arrive in one or two fetches, so in a frame or two: never 50.
    expect(entries.length).toBeLessThanOrEqual(3);
    for (const frame of updates(socket)) expect(new Set(frame.drivers.map((d) => d.id)).size).toBe(frame.drivers.length);
    expect(entries.at(-1)).toMatchObject({ state: 'available', lat: 12.949, lng: 77.5 });
    socket.close();
  });

  it('sends at most one frame per interval, however fast drivers ping', async () => {
    const socket = await ops();
    await socket.waitFor(1);
    const driverId = newId();
    // 40 pings over about 1 s, one every 25 ms: eight times the frame rate.
    for (let i = 0; i < 40; i++) {
      await publish.location(h.kafka, events.location(driverId, 12.8 + i / 1000, 77.4));
      await sleep(25);
    }
    await until(() => updates(socket).some((frame) => frame.drivers.some((d) => d.id === driverId && d.lat === 12.839)), 10_000, 'last ping');
    const stamps = updates(socket).map((frame) => frame.at);
    expect(stamps.length).toBeGreaterThan(1);
    // Frames follow the gateway's timer; the 1 ms allows for timer and clock granularity.
    for (let i = 1; i < stamps.length; i++) expect(stamps[i]! - stamps[i - 1]!).toBeGreaterThanOrEqual(FRAME_MS - 1);
    expect(updates(socket).flatMap((frame) => frame.drivers.filter((d) => d.id === driverId)).length).toBeLessThan(40 / 4);
    socket.close();
  }, 30_000);

  it('follows a booking through acceptance: booking status, offer closed, driver assigned', async () => {
    const socket = await ops();
    await socket.waitFor(1);
    const driverId = newId();
    const booking = { bookingId: newId(), userId: newId() };
    await publish.location(h.kafka, events.location(driverId, 12.97, 77.59));
    await publish.booking(h.kafka, events.requested(booking));
    await publish.offer(h.kafka, events.offered(booking.bookingId, driverId));
    await until(() => updates(socket).some((f) => f.offers.some((o) => o.booking_id === booking.bookingId)), 10_000, 'offer');
    await publish.booking(h.kafka, events.accepted(booking, driverId));
    await publish.offer(h.kafka, events.revoked(booking.bookingId, driverId, 'accepted'));
    await until(
      () => updates(socket).some((f) => f.offers_closed.some((o) => o.booking_id === booking.bookingId && o.reason === 'accepted')),
      10_000,
      'offer closed',
    );
    const bookingStates = updates(socket).flatMap((f) => f.bookings.filter((b) => b.id === booking.bookingId));
    expect(bookingStates.at(-1)).toMatchObject({ status: 'accepted', driver_id: driverId });
    expect(bookingStates.at(-1)?.first_offer_at).not.toBeNull();
    const driverStates = updates(socket).flatMap((f) => f.drivers.filter((d) => d.id === driverId));
    expect(driverStates.at(-1)?.state).toBe('assigned');
    for (const frame of updates(socket)) expect(isOpsMessage(frame)).toBe(true);
    socket.close();
  });

  it('sends nothing while nothing changes', async () => {
    const socket = await ops();
    await socket.waitFor(1);
    await sleep(FRAME_MS * 4);
    const before = socket.messages.length;
    await sleep(FRAME_MS * 4);
    expect(socket.messages.length).toBe(before);
    socket.close();
  });

  it('closes an operator socket that stops reading (4008), and only that one', async () => {
    const slow = await ops();
    const healthy = await ops();
    await slow.waitFor(1);
    slow.ws.pause();
    const before = await slowCloses();
    // Kernel socket buffers absorb an unknown amount first: keep moving drivers until the gateway gives up.
    for (let round = 0; round < 80 && (await slowCloses()) === before; round++) {
      await publish.location(h.kafka, ...Array.from({ length: 2_000 }, () => events.location(newId(), 12.9, 77.6)));
      await sleep(FRAME_MS);
    }
    await until(async () => (await slowCloses()) > before, 10_000, 'a slow-client close');
    slow.ws.resume();
    expect((await slow.waitForClose()).code).toBe(4008);
    expect(healthy.closed).toBeNull();
    healthy.close();
  }, 60_000);
});
