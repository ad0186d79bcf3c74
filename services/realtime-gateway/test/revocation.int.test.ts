import type { Principal } from '@rideline/auth';
import { principalKey } from '@rideline/contracts';
import { afterAll, describe, expect, it } from 'vitest';
import { events, newId, publish } from './support/events.ts';
import { deleteTopics, startTestGateway, startTestKafka, uniqueTopics, until, untilReady, type TestGateway } from './support/gateway.ts';
import { useGatewayHarness } from './support/harness.ts';
import { connect, refusal, type TestSocket } from './support/ws-client.ts';

const h = useGatewayHarness('revocation');
const INVALID = { type: 'error', success: false, message: 'Invalid or expired token.' };
const UNAUTHORIZED = { success: false, message: 'Invalid or expired token.', code: 'UNAUTHORIZED' };
const DISCONNECTED = { type: 'error', success: false, message: 'Driver disconnected from the available bookings group.' };

const opened: TestSocket[] = [];

afterAll(() => {
  for (const socket of opened) socket.close();
});

const open = async (target: TestGateway, path: string, token: string): Promise<TestSocket> => {
  const socket = await connect(`${target.wsBase}${path}`, { token });
  opened.push(socket);
  return socket;
};
const startGateway = async (env: Record<string, string> = {}): Promise<TestGateway> => {
  const running = await h.startGateway(env);
  await untilReady(running);
  return running;
};

/** The sessions of a rider's open sockets on the gateway, as it holds them (in-band refreshes move them). */
const sessionsOf = (principal: Principal) =>
  [...h.gateway.gateway.service.hub.socketsOf('bookings', principal.id)]
    .filter((connection) => !connection.closing)
    .map((connection) => connection.sessionId)
    .sort();

/** Proves a socket open and silent since: the next thing it gets is a booking of `principal` published now. */
async function nextIsBooking(principal: Principal, ...sockets: TestSocket[]): Promise<void> {
  const before = sockets.map((socket) => socket.messages.length);
  const booking = { bookingId: newId(), userId: principal.id };
  await publish.booking(h.kafka, events.requested(booking));
  await Promise.all(sockets.map((socket, i) => socket.waitFor(before[i]! + 1)));
  for (const [i, socket] of sockets.entries()) {
    expect(socket.messages.slice(before[i])).toEqual([expect.objectContaining({ booking_id: booking.bookingId, status: 'pending' })]);
    expect(socket.closed).toBeNull();
  }
}

describe('session revocation (logout)', () => {
  const rider: Principal = { kind: 'user', id: newId() };
  const revokedSession = newId();
  const keptSession = newId();

  it('closes the sockets of the revoked session within 1 s (401 body, 4001); the same rider’s other session stays', async () => {
    const revokedSocket = await open(h.gateway, '/ws/bookings/', h.issuer.token(rider, 300, undefined, revokedSession));
    const keptSocket = await open(h.gateway, '/ws/bookings/', h.issuer.token(rider, 300, undefined, keptSession));
    // Opened under another session, moved into the revoked one by an in-band refresh...
    const refreshedInto = await open(h.gateway, '/ws/bookings/', h.issuer.token(rider, 300, undefined, newId()));
    refreshedInto.send({ type: 'refresh', token: h.issuer.token(rider, 600, undefined, revokedSession) });
    // ...and the reverse: opened under the revoked session, moved out of it before the logout.
    const refreshedOut = await open(h.gateway, '/ws/bookings/', h.issuer.token(rider, 300, undefined, revokedSession));
    refreshedOut.send({ type: 'refresh', token: h.issuer.token(rider, 600, undefined, keptSession) });
    // Both refreshes applied (success is silent): two sockets in each session.
    await until(() => JSON.stringify(sessionsOf(rider)) === JSON.stringify([keptSession, keptSession, revokedSession, revokedSession].sort()));

    const publishedAt = Date.now();
    await publish.revocation(h.kafka, events.sessionRevoked(rider, revokedSession));
    const closes = await Promise.all([revokedSocket.waitForClose(2_000), refreshedInto.waitForClose(2_000)]);
    const elapsed = Math.max(revokedSocket.closedAt!, refreshedInto.closedAt!) - publishedAt;
    console.info(`revocation published → sockets closed in ${elapsed} ms`);
    expect(elapsed).toBeLessThan(1_000);
    for (const closed of closes) expect(closed).toEqual({ code: 4001, reason: 'session revoked' });
    expect(revokedSocket.messages).toEqual([INVALID]);
    expect(refreshedInto.messages).toEqual([INVALID]);

    // The revocation closed both at once; the other two stay open, silent until a booking of
    // the rider published now, which they are still fed.
    await nextIsBooking(rider, keptSocket, refreshedOut);
  });

  it('refuses an upgrade with a token of the revoked session (401), and still takes the other session', async () => {
    const answer = await refusal(`${h.gateway.wsBase}/ws/bookings/`, { token: h.issuer.token(rider, 300, undefined, revokedSession) });
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual(UNAUTHORIZED);
    const other = await open(h.gateway, '/ws/bookings/', h.issuer.token(rider, 300, undefined, keptSession));
    expect(other.closed).toBeNull();
    const metrics = await (await fetch(`${h.gateway.httpBase}/metrics`)).text();
    expect(metrics).toMatch(/rideline_gateway_rejected_upgrades_total\{reason="revoked_token"[^}]*\} 1/);
    expect(metrics).toMatch(/rideline_gateway_session_revocation_closes_total\{endpoint="bookings"[^}]*\} 2/);
  });

  it('refuses an in-band refresh to a token of the revoked session like an invalid token; the socket stays', async () => {
    const socket = await open(h.gateway, '/ws/bookings/', h.issuer.token(rider, 300, undefined, keptSession));
    // Its snapshot first (the rider's pending booking), then the refusal.
    await socket.waitFor(1);
    socket.send({ type: 'refresh', token: h.issuer.token(rider, 600, undefined, revokedSession) });
    await socket.waitFor(2);
    expect(socket.messages.at(-1)).toEqual(INVALID);
    expect(sessionsOf(rider)).toContain(keptSession);
    expect(sessionsOf(rider)).not.toContain(revokedSession);
    await nextIsBooking(rider, socket);
  });

  it('a gateway started after the revocation refuses the token too', async () => {
    const later = await startGateway();
    const ready = (await (await fetch(`${later.httpBase}/health/ready`)).json()) as { checks: Record<string, unknown> };
    expect(Object.keys(ready.checks)).toContain('revocations');
    const answer = await refusal(`${later.wsBase}/ws/bookings/`, { token: h.issuer.token(rider, 300, undefined, revokedSession) });
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual(UNAUTHORIZED);
    const other = await open(later, '/ws/bookings/', h.issuer.token(rider, 300, undefined, keptSession));
    expect(other.closed).toBeNull();
  });

  it('closes a driver’s sockets of the session on both endpoints, announcing it on available bookings', async () => {
    const driver: Principal = { kind: 'driver', id: newId() };
    const session = newId();
    const assigned = await open(h.gateway, '/ws/driver/bookings/', h.issuer.token(driver, 300, undefined, session));
    const available = await open(h.gateway, '/ws/driver/available_bookings/', h.issuer.token(driver, 300, undefined, session));
    await publish.revocation(h.kafka, events.sessionRevoked(driver, session));
    expect((await assigned.waitForClose(2_000)).code).toBe(4001);
    expect((await available.waitForClose(2_000)).code).toBe(4001);
    expect(assigned.messages).toEqual([INVALID]);
    expect(available.messages).toEqual([INVALID, DISCONNECTED]);
  });

  it('ignores a revocation whose tokens have all expired, and tokens without a session', async () => {
    const rider2: Principal = { kind: 'user', id: newId() };
    const session = newId();
    const withoutSession = await open(h.gateway, '/ws/bookings/', h.issuer.token(rider2));
    const socket = await open(h.gateway, '/ws/bookings/', h.issuer.token(rider2, 300, undefined, session));
    // A live session revoked after it, on the same partition (same key), shows when it has been read.
    const sentinelSession = newId();
    const sentinel = await open(h.gateway, '/ws/bookings/', h.issuer.token(rider2, 300, undefined, sentinelSession));
    await publish.revocation(h.kafka, events.sessionRevoked(rider2, session, new Date(Date.now() - 1_000)));
    await publish.revocation(h.kafka, events.sessionRevoked(rider2, sentinelSession));
    expect((await sentinel.waitForClose(2_000)).code).toBe(4001);
    expect(sessionsOf(rider2)).toEqual([session, null].sort());
    expect(h.gateway.gateway.revoked.isRevoked(session, Date.now())).toBe(false);
    await nextIsBooking(rider2, socket, withoutSession);
  });
});

describe('revocation history at start', () => {
  // Topics of their own: reading by record time needs a log whose times only grow.
  const lookback = uniqueTopics('revocation-lookback');

  it('reads revocations from the longest access-token lifetime ago (plus a minute), not older', async () => {
    const admin = await startTestKafka(lookback);
    const rider3: Principal = { kind: 'user', id: newId() };
    const [oldSession, recentSession] = [newId(), newId()];
    const gateways: TestGateway[] = [];
    try {
      // Same key, so the same partition: a record written two hours ago (by record time), then one now.
      const producer = admin.kafka.producer();
      await producer.connect();
      const record = (session: string, timestamp: number) => ({
        key: principalKey('user', rider3.id),
        value: JSON.stringify(events.sessionRevoked(rider3, session)),
        timestamp: String(timestamp),
      });
      await producer.send({ topic: lookback.identityRevocations, messages: [record(oldSession, Date.now() - 2 * 3_600_000)] });
      await producer.send({ topic: lookback.identityRevocations, messages: [record(recentSession, Date.now())] });
      await producer.disconnect();

      const shortLived = await startTestGateway(lookback, h.issuer.url, { ACCESS_TOKEN_MAX_LIFETIME_SECONDS: '60' });
      gateways.push(shortLived);
      await untilReady(shortLived);
      expect(shortLived.gateway.revoked.isRevoked(recentSession, Date.now())).toBe(true);
      expect(shortLived.gateway.revoked.isRevoked(oldSession, Date.now())).toBe(false);

      const dayLong = await startTestGateway(lookback, h.issuer.url);
      gateways.push(dayLong);
      await untilReady(dayLong);
      expect(dayLong.gateway.revoked.isRevoked(recentSession, Date.now())).toBe(true);
      expect(dayLong.gateway.revoked.isRevoked(oldSession, Date.now())).toBe(true);
    } finally {
      await Promise.allSettled(gateways.map((running) => running.close()));
      await deleteTopics(admin, lookback);
      await admin.close();
    }
  });
});
