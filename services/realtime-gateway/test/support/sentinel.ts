import type { NoticeSeal, Principal } from '@rideline/auth';
import { keyPartition } from '@rideline/kafka';
import { events, newId, publish, TEST_NOTICE_SEAL, type BookingRef } from './events.ts';
import { connectionOf, TEST_PARTITIONS, until, type TestGateway } from './gateway.ts';
import type { GatewayHarness } from './harness.ts';
import { connect, type TestSocket } from './ws-client.ts';

/** One key per partition of the test topics, by partition: a record published under `keys[p]` lands on partition p. */
function keyPerPartition(): string[] {
  const keys: (string | undefined)[] = Array.from({ length: TEST_PARTITIONS }, () => undefined);
  while (keys.includes(undefined)) {
    const key = newId();
    keys[keyPartition(key, TEST_PARTITIONS)] ??= key;
  }
  return keys as string[];
}

interface SettleOptions {
  /** The gateways the sockets are on; default the harness's. */
  readonly gateways?: readonly TestGateway[];
  /** What the gateways open OTP notices with (their OTP_NOTICE_KEY); default the development key. */
  readonly seal?: NoticeSeal;
}

/**
 * Proves that `sockets` have received everything the gateways owe them for the records published
 * before the call, so that a test can then assert that nothing else arrived (no sleeping, and a
 * late message cannot slip past):
 *
 * 1. A sentinel record on every partition of the three topics the projection reads, each
 *    addressed to a fresh witness (a user and a driver with a socket on each gateway).
 *    A gateway applies a partition's records in order and writes each record's messages in the
 *    same synchronous step, so once its witness has every sentinel, it has written all it owes
 *    for the earlier records.
 * 2. A ping on each of `sockets`: its pong comes after everything written to that socket before.
 *
 * The sentinels' keys are chosen for their partition (the gateway routes by the message, not the
 * key). The witness sockets are closed again, and gone from the gateways, before this returns.
 */
export async function settled(
  h: Pick<GatewayHarness, 'kafka' | 'issuer' | 'gateways'>,
  sockets: readonly TestSocket[],
  { gateways = h.gateways, seal = TEST_NOTICE_SEAL }: SettleOptions = {},
): Promise<void> {
  const user: Principal = { kind: 'user', id: newId() };
  const driver: Principal = { kind: 'driver', id: newId() };
  const witnesses = await Promise.all(
    gateways.map(async (gateway) => ({
      gateway,
      user: await connect(`${gateway.wsBase}/ws/bookings/`, { token: h.issuer.token(user) }),
      driver: await connect(`${gateway.wsBase}/ws/driver/available_bookings/`, { token: h.issuer.token(driver) }),
    })),
  );
  try {
    // An OTP is delivered only for an accepted booking: the notices' sentinels are OTPs of this one.
    const accepted: BookingRef = { bookingId: newId(), userId: user.id };
    await publish.booking(h.kafka, events.requested(accepted), events.accepted(accepted, driver.id, 2));
    await Promise.all(witnesses.map((w) => until(() => w.user.messages.some((m) => m['status'] === 'accepted'), 10_000, 'the witness booking accepted')));

    const keys = keyPerPartition();
    const requested = keys.map((bookingId) => events.requested({ bookingId, userId: user.id }));
    const otps = keys.map((_, partition) => String(100_000 + partition));
    const offers = keys.map(() => events.offered(newId(), driver.id));
    await h.kafka.publisher.publish([
      ...requested.map((message) => ({ topic: 'bookingEvents' as const, key: message.data.booking_id, message })),
      ...keys.map((key, p) => ({ topic: 'bookingNotifications' as const, key, message: events.otp(accepted, otps[p]!, 2, seal) })),
      ...keys.map((key, p) => ({ topic: 'dispatchOffers' as const, key, message: offers[p]! })),
    ]);
    const has = (socket: TestSocket, type: string, field: string, values: readonly string[]) =>
      values.every((value) => socket.messages.some((m) => m.type === type && m[field] === value));
    await Promise.all(
      witnesses.map((w) =>
        until(
          () =>
            has(w.user, 'booking_status', 'booking_id', keys) &&
            has(w.user, 'otp', 'otp', otps) &&
            has(
              w.driver,
              'available_booking',
              'booking_id',
              offers.map((offer) => offer.data.booking_id),
            ),
          10_000,
          'the sentinels at the witness',
        ),
      ),
    );
  } finally {
    for (const w of witnesses) {
      w.user.close();
      w.driver.close();
    }
    // Gone from the gateways too, so that they do not count among the open sockets.
    await Promise.all(
      witnesses.map((w) =>
        until(() => connectionOf(w.gateway, user.id) === undefined && connectionOf(w.gateway, driver.id) === undefined, 10_000, 'the witnesses gone'),
      ),
    );
  }
  await Promise.all(sockets.map((socket) => socket.roundTrip()));
}
