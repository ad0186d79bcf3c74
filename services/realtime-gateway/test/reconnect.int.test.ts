import type { Principal } from '@rideline/auth';
import { beforeAll, describe, expect, it } from 'vitest';
import { events, newId, publish } from './support/events.ts';
import { untilReady, type TestGateway } from './support/gateway.ts';
import { useGatewayHarness } from './support/harness.ts';
import { settled } from './support/sentinel.ts';
import { connect, type TestSocket } from './support/ws-client.ts';

const h = useGatewayHarness('reconnect');
const U: Principal = { kind: 'user', id: newId() };
const D: Principal = { kind: 'driver', id: newId() };
const OTHER_DRIVER = newId();

const ref = () => ({ bookingId: newId(), userId: U.id });
const pending = ref();
const accepted = ref();
const onTrip = ref();
const completed = ref();
const longAgo = ref();
const takenByOther = { bookingId: newId(), userId: newId() };
const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
const offerOpen = newId();
const offerRevoked = newId();

const status = (booking: { bookingId: string }, value: string) =>
  expect.objectContaining({ type: 'booking_status', booking_id: booking.bookingId, status: value });

/** The booking history, written before any socket opens; distinct event times (a millisecond apart, in this order) order the snapshot. */
async function writeHistory(): Promise<void> {
  const start = Date.now();
  let written = 0;
  const inOrder = <T extends { occurred_at: string }>(event: T): T => ({ ...event, occurred_at: new Date(start + written++).toISOString() });
  await publish.booking(h.kafka, { ...events.requested(longAgo), occurred_at: hourAgo }, { ...events.completed(longAgo, D.id, 5), occurred_at: hourAgo });
  for (const [booking, history] of [
    [completed, (b: typeof completed) => [events.requested(b), events.accepted(b, D.id, 2), events.started(b, D.id, 4), events.completed(b, D.id, 5)]],
    [onTrip, (b: typeof onTrip) => [events.requested(b), events.accepted(b, D.id, 2), events.started(b, D.id, 4)]],
    [accepted, (b: typeof accepted) => [events.requested(b), events.accepted(b, D.id, 2)]],
    [takenByOther, (b: typeof takenByOther) => [events.requested(b), events.accepted(b, OTHER_DRIVER, 2)]],
    [pending, (b: typeof pending) => [events.requested(b)]],
  ] as const) {
    for (const event of history(booking)) await publish.booking(h.kafka, inOrder(event));
  }
  await publish.notice(h.kafka, events.otp(accepted, '111222', 2), events.otp(onTrip, '333444', 2));
  await publish.offer(
    h.kafka,
    events.offered(offerOpen, D.id),
    events.offered(offerRevoked, D.id),
    events.revoked(offerRevoked, D.id, 'cancelled'),
    events.offered(takenByOther.bookingId, D.id),
  );
  // The gateway started before this history: it has applied all of it before the first socket opens.
  await settled(h, []);
}

const expectedUser = () => [
  status(completed, 'completed'),
  status(onTrip, 'on_trip'),
  status(accepted, 'accepted'),
  { type: 'otp', booking_id: accepted.bookingId, otp: '111222', message: 'Your booking has been accepted. Here is your OTP to start the trip.' },
  status(pending, 'pending'),
];
const expectedDriver = () => [status(completed, 'completed'), status(onTrip, 'on_trip'), status(accepted, 'accepted')];

async function expectSnapshot(gw: TestGateway): Promise<TestSocket[]> {
  const userSocket = await connect(`${gw.wsBase}/ws/bookings/`, { token: h.issuer.token(U) });
  const driverSocket = await connect(`${gw.wsBase}/ws/driver/bookings/`, { token: h.issuer.token(D) });
  const offersSocket = await connect(`${gw.wsBase}/ws/driver/available_bookings/`, { token: h.issuer.token(D) });
  await userSocket.waitFor(5);
  await driverSocket.waitFor(3);
  await offersSocket.waitFor(1);
  await settled(h, [userSocket, driverSocket, offersSocket], { gateways: [gw] });
  expect(userSocket.messages).toEqual(expectedUser());
  expect(driverSocket.messages).toEqual(expectedDriver());
  expect(driverSocket.messages.some((m) => m.type === 'otp' || 'otp' in m)).toBe(false);
  expect(offersSocket.messages).toEqual([
    expect.objectContaining({ type: 'available_booking', booking_id: offerOpen, message: 'A new booking is available.' }),
  ]);
  return [userSocket, driverSocket, offersSocket];
}

beforeAll(writeHistory);

describe('no lost updates across reconnects', () => {
  it('a socket first receives the current state: active bookings (OTP while accepted), recent endings, open offers', async () => {
    const sockets = await expectSnapshot(h.gateway);
    for (const socket of sockets) socket.close();
  });

  it('then live messages follow, with nothing repeated', async () => {
    const [userSocket, driverSocket, offersSocket] = await expectSnapshot(h.gateway);
    await publish.booking(h.kafka, events.started(accepted, D.id, 4));
    await userSocket!.waitFor(6);
    await driverSocket!.waitFor(4);
    expect(userSocket!.messages.slice(5)).toEqual([status(accepted, 'on_trip')]);
    expect(driverSocket!.messages.slice(3)).toEqual([status(accepted, 'on_trip')]);
    await settled(h, [userSocket!, driverSocket!, offersSocket!]);
    // Back to the state the other tests expect, and seen by the gateway before the next test
    // connects (otherwise its snapshot can still hold the booking as on trip).
    await publish.booking(h.kafka, events.cancelled(accepted, 'user', D.id, 6));
    await userSocket!.waitFor(7);
    expect(userSocket!.messages.at(-1)).toEqual(status(accepted, 'cancelled'));
    for (const socket of [userSocket!, driverSocket!, offersSocket!]) socket.close();
  });

  it('what happened while disconnected is in the state sent on reconnect', async () => {
    const first = await connect(`${h.gateway.wsBase}/ws/bookings/`, { token: h.issuer.token(U) });
    await first.waitFor(4);
    await settled(h, [first]);
    expect(first.messages).toHaveLength(4);
    first.close();
    const gone = ref();
    await publish.booking(h.kafka, events.requested(gone), events.accepted(gone, D.id, 2));
    await publish.notice(h.kafka, events.otp(gone, '555666', 2));
    // Applied before the socket opens, so that they are in its snapshot rather than live messages.
    await settled(h, []);
    const again = await connect(`${h.gateway.wsBase}/ws/bookings/`, { token: h.issuer.token(U) });
    await again.waitFor(6);
    await settled(h, [again]);
    expect(again.messages.slice(-2)).toEqual([
      status(gone, 'accepted'),
      { type: 'otp', booking_id: gone.bookingId, otp: '555666', message: 'Your booking has been accepted. Here is your OTP to start the trip.' },
    ]);
    again.close();
    await publish.booking(h.kafka, events.expired(gone, 9));
  });

  it('a restarted gateway rebuilds the same state from the topics', async () => {
    await h.gateway.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const restarted = await h.startGateway();
    await untilReady(restarted);
    const userSocket = await connect(`${restarted.wsBase}/ws/bookings/`, { token: h.issuer.token(U) });
    await userSocket.waitFor(5);
    await settled(h, [userSocket], { gateways: [restarted] });
    expect(userSocket.messages).toHaveLength(5);
    // The cancelled and expired bookings ended just now, so they are recent endings.
    expect(userSocket.messages.map((m) => [m['booking_id'], m['status'] ?? m.type])).toEqual(
      expect.arrayContaining([
        [completed.bookingId, 'completed'],
        [onTrip.bookingId, 'on_trip'],
        [accepted.bookingId, 'cancelled'],
        [pending.bookingId, 'pending'],
        [expect.any(String), 'expired'],
      ]),
    );
    expect(userSocket.messages.some((m) => m['booking_id'] === longAgo.bookingId)).toBe(false);
    expect(userSocket.messages.some((m) => m.type === 'otp' && m['booking_id'] === accepted.bookingId)).toBe(false);
    userSocket.close();
  });
});
