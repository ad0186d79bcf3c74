import type { Principal } from '@rideline/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events, newId, publish } from './support/events.ts';
import { useGatewayHarness } from './support/harness.ts';
import { settled } from './support/sentinel.ts';
import { connect, type TestSocket } from './support/ws-client.ts';

const h = useGatewayHarness('delivery');
const A: Principal = { kind: 'user', id: newId() };
const B: Principal = { kind: 'user', id: newId() };
const X: Principal = { kind: 'driver', id: newId() };
const Y: Principal = { kind: 'driver', id: newId() };

let s: Record<'a1' | 'a2' | 'b1' | 'xb' | 'xa1' | 'xa2' | 'yb' | 'ya', TestSocket>;

const status = (booking_id: string, value: string, message: string) => ({ type: 'booking_status', booking_id, status: value, message });
const all = () => Object.values(s);

/** Waits until each listed socket has `count` more messages than `before`, and checks no other socket got any. */
async function expectOnly(before: Map<TestSocket, number>, expected: Map<TestSocket, unknown[]>): Promise<void> {
  for (const [socket, messages] of expected) {
    await socket.waitFor(before.get(socket)! + messages.length);
    expect(socket.messages.slice(before.get(socket)!)).toEqual(messages);
  }
  await settled(h, all());
  for (const socket of all()) {
    expect(socket.messages.length).toBe(before.get(socket)! + (expected.get(socket)?.length ?? 0));
  }
}
/** `user` to both of A's sockets, `driver` to X's bookings socket. */
const toAAndX = (user: unknown[], driver: unknown[]) =>
  new Map<TestSocket, unknown[]>([
    [s.a1, user],
    [s.a2, user],
    [s.xb, driver],
  ]);
const counts = () => new Map(all().map((socket) => [socket, socket.messages.length]));

beforeAll(async () => {
  const url = (path: string) => `${h.gateway.wsBase}${path}`;
  const token = (principal: Principal) => h.issuer.token(principal);
  s = {
    a1: await connect(url('/ws/bookings/'), { token: token(A) }),
    a2: await connect(url('/ws/bookings/'), { token: token(A), via: 'subprotocol' }),
    b1: await connect(url('/ws/bookings/'), { token: token(B) }),
    xb: await connect(url('/ws/driver/bookings/'), { token: token(X) }),
    xa1: await connect(url('/ws/driver/available_bookings/'), { token: token(X) }),
    xa2: await connect(url('/ws/driver/available_bookings/'), { token: token(X) }),
    yb: await connect(url('/ws/driver/bookings/'), { token: token(Y) }),
    ya: await connect(url('/ws/driver/available_bookings/'), { token: token(Y) }),
  };
});

afterAll(() => {
  for (const socket of Object.values(s ?? {})) socket.close();
});

describe('delivery: every message reaches exactly the sockets it concerns', () => {
  const b1 = { bookingId: newId(), userId: A.id };

  it('a new booking: pending to all of its user’s sockets, nobody else', async () => {
    const before = counts();
    await publish.booking(h.kafka, events.requested(b1));
    const pending = status(b1.bookingId, 'pending', 'Your booking is pending. We are finding a driver for you.');
    await expectOnly(
      before,
      new Map([
        [s.a1, [pending]],
        [s.a2, [pending]],
      ]),
    );
  });

  it('offers: available_booking to each offered driver’s available-bookings sockets only', async () => {
    const before = counts();
    await publish.offer(h.kafka, events.offered(b1.bookingId, X.id), events.offered(b1.bookingId, Y.id));
    const available = {
      type: 'available_booking',
      booking_id: b1.bookingId,
      pickup_location: '123 Street, City',
      dropoff_location: '456 Avenue, City',
      estimated_cost: 300,
      message: 'A new booking is available.',
    };
    await expectOnly(
      before,
      new Map([
        [s.xa1, [available]],
        [s.xa2, [available]],
        [s.ya, [available]],
      ]),
    );
  });

  it('acceptance: status to the user and the driver, OTP to the user only, revocation to the other driver', async () => {
    const before = counts();
    await publish.booking(h.kafka, events.accepted(b1, X.id, 2));
    await publish.notice(h.kafka, events.otp(b1, '123456', 2));
    await publish.offer(h.kafka, events.revoked(b1.bookingId, Y.id, 'accepted'));
    const accepted = status(b1.bookingId, 'accepted', 'Your booking has been accepted by the driver.');
    const otp = { type: 'otp', booking_id: b1.bookingId, otp: '123456', message: 'Your booking has been accepted. Here is your OTP to start the trip.' };
    await expectOnly(
      before,
      new Map<TestSocket, unknown[]>([
        [s.a1, [accepted, otp]],
        [s.a2, [accepted, otp]],
        [s.xb, [status(b1.bookingId, 'accepted', 'You have accepted the booking. Please proceed to the pickup location.')]],
        [s.ya, [{ type: 'booking_unavailable', booking_id: b1.bookingId, message: 'This booking has been accepted by another driver.' }]],
      ]),
    );
    for (const socket of [s.xb, s.xa1, s.xa2, s.yb, s.ya, s.b1]) expect(socket.of('otp')).toEqual([]);
  });

  it('trip started and completed: each side with its own text', async () => {
    const before = counts();
    await publish.booking(h.kafka, events.started(b1, X.id, 4), events.completed(b1, X.id, 5));
    const user = [status(b1.bookingId, 'on_trip', 'The trip has started.'), status(b1.bookingId, 'completed', 'The trip has been completed.')];
    await expectOnly(
      before,
      toAAndX(user, [
        status(b1.bookingId, 'on_trip', 'The trip has started. Please proceed to the destination.'),
        status(b1.bookingId, 'completed', 'The trip has been completed.'),
      ]),
    );
  });

  it('cancellation and expiry: to the user, and to the driver when one was assigned', async () => {
    const cancelledPending = { bookingId: newId(), userId: B.id };
    const expiring = { bookingId: newId(), userId: B.id };
    const cancelledByDriver = { bookingId: newId(), userId: B.id };
    const before = counts();
    await publish.booking(
      h.kafka,
      events.requested(cancelledPending),
      events.cancelled(cancelledPending, 'user', null, 2),
      events.requested(expiring),
      events.expired(expiring, 2),
      events.requested(cancelledByDriver),
      events.accepted(cancelledByDriver, Y.id, 2),
      events.cancelled(cancelledByDriver, 'driver', Y.id, 4),
    );
    const pending = (id: string) => status(id, 'pending', 'Your booking is pending. We are finding a driver for you.');
    const expected = new Map<TestSocket, unknown[]>([
      [
        s.b1,
        [
          pending(cancelledPending.bookingId),
          status(cancelledPending.bookingId, 'cancelled', 'Your booking has been cancelled.'),
          pending(expiring.bookingId),
          status(expiring.bookingId, 'expired', 'No driver accepted your booking in time. It has expired.'),
          pending(cancelledByDriver.bookingId),
          status(cancelledByDriver.bookingId, 'accepted', 'Your booking has been accepted by the driver.'),
          status(cancelledByDriver.bookingId, 'cancelled', 'Your booking has been cancelled by the driver.'),
        ],
      ],
      [
        s.yb,
        [
          status(cancelledByDriver.bookingId, 'accepted', 'You have accepted the booking. Please proceed to the pickup location.'),
          status(cancelledByDriver.bookingId, 'cancelled', 'You have cancelled the booking.'),
        ],
      ],
    ]);
    // Booking ids land on different partitions: compare each booking's own sequence.
    for (const [socket, messages] of expected) {
      await socket.waitFor(before.get(socket)! + messages.length);
      const got = socket.messages.slice(before.get(socket)!);
      for (const id of [cancelledPending, expiring, cancelledByDriver].map((b) => b.bookingId)) {
        expect(got.filter((m) => m['booking_id'] === id)).toEqual(messages.filter((m) => (m as { booking_id: string }).booking_id === id));
      }
    }
    await settled(h, all());
    for (const socket of all()) expect(socket.messages.length).toBe(before.get(socket)! + (expected.get(socket)?.length ?? 0));
  });

  it('a user cancelling an accepted booking: the driver is told who cancelled', async () => {
    const booking = { bookingId: newId(), userId: A.id };
    const before = counts();
    await publish.booking(h.kafka, events.requested(booking), events.accepted(booking, X.id, 2), events.cancelled(booking, 'user', X.id, 4));
    const user = [
      status(booking.bookingId, 'pending', 'Your booking is pending. We are finding a driver for you.'),
      status(booking.bookingId, 'accepted', 'Your booking has been accepted by the driver.'),
      status(booking.bookingId, 'cancelled', 'Your booking has been cancelled.'),
    ];
    await expectOnly(
      before,
      toAAndX(user, [
        status(booking.bookingId, 'accepted', 'You have accepted the booking. Please proceed to the pickup location.'),
        status(booking.bookingId, 'cancelled', 'The booking has been cancelled by the user.'),
      ]),
    );
  });

  it('duplicates (same event_id) and stale versions change nothing', async () => {
    const booking = { bookingId: newId(), userId: A.id };
    const requested = events.requested(booking);
    const accepted = events.accepted(booking, X.id, 2);
    const offer = events.offered(booking.bookingId, Y.id);
    let before = counts();
    await publish.booking(h.kafka, requested);
    await publish.offer(h.kafka, offer);
    await expectOnly(
      before,
      new Map<TestSocket, unknown[]>([
        [s.a1, [status(booking.bookingId, 'pending', 'Your booking is pending. We are finding a driver for you.')]],
        [s.a2, [status(booking.bookingId, 'pending', 'Your booking is pending. We are finding a driver for you.')]],
        [s.ya, [expect.objectContaining({ type: 'available_booking', booking_id: booking.bookingId })]],
      ]),
    );
    before = counts();
    await publish.booking(h.kafka, requested, { ...requested, event_id: newId() }, accepted, accepted, { ...accepted, event_id: newId() });
    await publish.offer(h.kafka, offer);
    const acceptedMessage = status(booking.bookingId, 'accepted', 'Your booking has been accepted by the driver.');
    await expectOnly(
      before,
      new Map<TestSocket, unknown[]>([
        [s.a1, [acceptedMessage]],
        [s.a2, [acceptedMessage]],
        [s.xb, [status(booking.bookingId, 'accepted', 'You have accepted the booking. Please proceed to the pickup location.')]],
      ]),
    );
  });

  it('an OTP that overtakes its acceptance is delivered right after it', async () => {
    const booking = { bookingId: newId(), userId: B.id };
    const had = s.b1.messages.length;
    await publish.booking(h.kafka, events.requested(booking));
    await s.b1.waitFor(had + 1);
    const before = counts();
    await publish.notice(h.kafka, events.otp(booking, '654321', 2));
    await settled(h, all());
    await publish.booking(h.kafka, events.accepted(booking, X.id, 2));
    await expectOnly(
      before,
      new Map<TestSocket, unknown[]>([
        [
          s.b1,
          [
            status(booking.bookingId, 'accepted', 'Your booking has been accepted by the driver.'),
            { type: 'otp', booking_id: booking.bookingId, otp: '654321', message: 'Your booking has been accepted. Here is your OTP to start the trip.' },
          ],
        ],
        [s.xb, [status(booking.bookingId, 'accepted', 'You have accepted the booking. Please proceed to the pickup location.')]],
      ]),
    );
  });

  it('counts deliveries and their latency', async () => {
    const metrics = async () => (await fetch(`${h.gateway.httpBase}/metrics`)).text();
    // Each feed's lag, per partition it reads: known from the first refresh of the partitions'
    // ends (every LAG_REFRESH_MS of @rideline/kafka), which this file no longer outlasts for sure.
    const lag = /^rideline_kafka_consumer_lag_records\{group="[^"]+",topic="[^"]+",partition="\d+"[^}]*\} \d+$/m;
    await expect.poll(metrics, { timeout: 10_000 }).toMatch(lag);
    const text = await metrics();
    expect(text).toMatch(/rideline_gateway_messages_delivered_total\{endpoint="bookings",type="otp"[^}]*\} [1-9]/);
    expect(text).toMatch(/rideline_gateway_delivery_latency_seconds_count\{[^}]*\} [1-9]/);
    expect(text).toMatch(/rideline_gateway_open_sockets\{endpoint="driver_available_bookings"[^}]*\} 3/);
    expect(text).toMatch(lag);
  });
});
