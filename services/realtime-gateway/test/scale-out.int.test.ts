import type { Principal } from '@rideline/auth';
import { beforeAll, describe, expect, it } from 'vitest';
import { events, newId, publish } from './support/events.ts';
import { until, type TestGateway } from './support/gateway.ts';
import { useGatewayHarness } from './support/harness.ts';
import { settled } from './support/sentinel.ts';
import { connect } from './support/ws-client.ts';

const h = useGatewayHarness('scale', { gateways: [{}, {}] });
const U: Principal = { kind: 'user', id: newId() };
const D: Principal = { kind: 'driver', id: newId() };

let one: TestGateway;
let two: TestGateway;

beforeAll(() => {
  [one, two] = h.gateways as [TestGateway, TestGateway];
});

describe('two gateway instances side by side', () => {
  it('each socket gets every message meant for it, whichever instance it is on', async () => {
    const userOnOne = await connect(`${one.wsBase}/ws/bookings/`, { token: h.issuer.token(U) });
    const userOnTwo = await connect(`${two.wsBase}/ws/bookings/`, { token: h.issuer.token(U) });
    const driverOnTwo = await connect(`${two.wsBase}/ws/driver/bookings/`, { token: h.issuer.token(D) });
    const offersOnOne = await connect(`${one.wsBase}/ws/driver/available_bookings/`, { token: h.issuer.token(D) });
    const stranger = await connect(`${two.wsBase}/ws/bookings/`, { token: h.issuer.token({ kind: 'user', id: newId() }) });

    // Many bookings, so that they spread over every partition.
    const bookings = Array.from({ length: 12 }, () => ({ bookingId: newId(), userId: U.id }));
    await publish.booking(h.kafka, ...bookings.map((b) => events.requested(b)));
    await publish.offer(h.kafka, ...bookings.map((b) => events.offered(b.bookingId, D.id)));
    // Offers and acceptances are on different topics, read in no set order: an offer read after
    // its booking's acceptance is rightly not shown (seen once under load). Accept once offered.
    await offersOnOne.waitFor(12);
    await publish.booking(h.kafka, ...bookings.map((b) => events.accepted(b, D.id, 2)));
    await publish.notice(h.kafka, ...bookings.map((b) => events.otp(b, '123456', 2)));

    for (const socket of [userOnOne, userOnTwo]) await socket.waitFor(36);
    await driverOnTwo.waitFor(12);
    await settled(h, [userOnOne, userOnTwo, driverOnTwo, offersOnOne, stranger]);
    for (const socket of [userOnOne, userOnTwo]) {
      for (const booking of bookings) {
        expect(socket.messages.filter((m) => m['booking_id'] === booking.bookingId).map((m) => m['status'] ?? m.type)).toEqual(['pending', 'accepted', 'otp']);
      }
    }
    expect(driverOnTwo.messages.every((m) => m.type === 'booking_status' && m['status'] === 'accepted')).toBe(true);
    expect(offersOnOne.messages.every((m) => m.type === 'available_booking')).toBe(true);
    expect(stranger.messages).toEqual([]);
    for (const socket of [userOnOne, userOnTwo, driverOnTwo, offersOnOne, stranger]) socket.close();
  });

  it('each instance reads in its own consumer group, removed when it stops', async () => {
    const { groups } = await h.kafka.admin.listGroups();
    const gatewayGroups = groups.map((g) => g.groupId).filter((id) => id.startsWith('rideline-gateway-'));
    expect(gatewayGroups.length).toBeGreaterThanOrEqual(2);
    const before = new Set(gatewayGroups);
    await one.close();
    await until(
      async () => {
        const after = new Set((await h.kafka.admin.listGroups()).groups.map((g) => g.groupId));
        return [...before].filter((id) => !after.has(id)).length >= 1;
      },
      10_000,
      'the stopped instance’s group deleted',
    );
    // The other instance goes on serving.
    const userOnTwo = await connect(`${two.wsBase}/ws/bookings/`, { token: h.issuer.token(U) });
    await userOnTwo.waitFor(24);
    userOnTwo.close();
  });
});
