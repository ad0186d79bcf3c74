/**
 * Abuse-proofing across the three service processes, through the public contract only:
 * a logout reaches the gateway through Kafka and closes the session's sockets within 1 s, its
 * tokens are refused from then on, and the OTP never crosses the broker in clear (read back with
 * Kafka's own console consumer, as an operator or an intruder with broker access would).
 */
import { randomUUID } from 'node:crypto';
import { TOPICS } from '@rideline/contracts';
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { about, http, Inbox, registerDriver, type Account } from '../src/client.ts';
import { kafkaToolOk } from '../src/kafka-cli.ts';
import { useRunningSystem } from './support/system.ts';

const PICKUP = { lat: 12.9716, lng: 77.5946, address: '123 Street, City' };
const DROPOFF = { lat: 12.9352, lng: 77.6245, address: '456 Avenue, City' };

const sys = useRunningSystem();

interface Session extends Account {
  readonly refreshToken: string;
}

async function riderSession(email = `rider-${randomUUID()}@example.com`, register = true): Promise<Session> {
  const credentials = { email, password: 'correct horse battery' };
  const { status, body } = register
    ? await http(`${sys.booking}/auth/users/register`, 'POST', { name: 'Rider', ...credentials })
    : await http(`${sys.booking}/auth/users/login`, 'POST', credentials);
  expect(status).toBe(register ? 201 : 200);
  return {
    id: (body['user'] as { id: string }).id,
    token: body['access_token'] as string,
    refreshToken: body['refresh_token'] as string,
  };
}

async function open(path: string, token: string): Promise<Inbox> {
  const inbox = await Inbox.open(sys.gateway, path, token);
  sys.inboxes.push(inbox);
  return inbox;
}

const closed = (inbox: Inbox) =>
  new Promise<{ code: number; at: number }>((resolve) => inbox.socket.once('close', (code) => resolve({ code, at: Date.now() })));

/** The HTTP status of an upgrade the gateway refuses (or 101 when it accepts). */
const upgradeStatus = (path: string, token: string) =>
  new Promise<number>((resolve, reject) => {
    const socket = new WebSocket(`${sys.gateway.replace(/^http/, 'ws')}${path}`, { headers: { authorization: `Bearer ${token}` } });
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    socket.once('error', reject);
  });

describe('logout', () => {
  it('closes that session’s sockets within 1 s, refuses its tokens, and leaves the other session alone', { timeout: 60_000 }, async () => {
    const email = `rider-${randomUUID()}@example.com`;
    const phone = await riderSession(email);
    const tablet = await riderSession(email, false);
    const phoneSocket = await open('/ws/bookings/', phone.token);
    const tabletSocket = await open('/ws/bookings/', tablet.token);
    const phoneClosed = closed(phoneSocket);

    const sent = Date.now();
    const logout = await http(`${sys.booking}/auth/logout`, 'POST', { refresh_token: phone.refreshToken });
    expect(logout.status).toBe(204);
    const { code, at } = await phoneClosed;
    expect(code).toBe(4001);
    expect(at - sent).toBeLessThan(1_000);
    expect(phoneSocket.messages).toContainEqual(expect.objectContaining({ message: 'Invalid or expired token.' }));

    expect(await upgradeStatus('/ws/bookings/', phone.token)).toBe(401);
    expect((await http(`${sys.booking}/auth/refresh`, 'POST', { refresh_token: phone.refreshToken })).status).toBe(401);
    // The other login of the same rider is another session: still connected, still accepted.
    expect(tabletSocket.socket.readyState).toBe(WebSocket.OPEN);
    expect(await upgradeStatus('/ws/bookings/', tablet.token)).toBe(101);
  });
});

describe('the OTP on the broker', () => {
  it('reaches the rider’s socket in clear and crosses Kafka only sealed', { timeout: 90_000 }, async () => {
    const driver = await registerDriver(sys.urls);
    const offers = await open('/ws/driver/available_bookings/', driver.token);
    expect((await http(`${sys.dispatch}/drivers/me/availability`, 'PUT', { available: true }, driver.token)).status).toBe(204);
    expect((await http(`${sys.dispatch}/drivers/me/location`, 'PUT', { lat: 12.972, lng: 77.595 }, driver.token)).status).toBe(204);
    const rider = await riderSession();
    const riderSocket = await open('/ws/bookings/', rider.token);

    const created = await http(`${sys.booking}/bookings`, 'POST', { pickup: PICKUP, dropoff: DROPOFF }, rider.token);
    expect(created.status).toBe(201);
    const bookingId = created.body['booking_id'] as string;
    await offers.waitFor(about(bookingId, 'available_booking'));
    expect((await http(`${sys.booking}/bookings/${bookingId}/accept`, 'POST', undefined, driver.token)).status).toBe(200);
    const { otp } = await riderSocket.waitFor(about(bookingId, 'otp'));
    expect(otp).toMatch(/^[0-9]{6}$/);

    const { stdout } = await kafkaToolOk(sys.system.env['KAFKA_BROKERS']!, 'console-consumer', [
      '--topic',
      sys.system.env[TOPICS.bookingNotifications.envVar]!,
      '--from-beginning',
      '--max-messages',
      '1',
      '--timeout-ms',
      '15000',
    ]);
    const notices = stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { type: string; data: Record<string, unknown> });
    const notice = notices.find((record) => record.data['booking_id'] === bookingId);
    expect(notice?.type).toBe('OtpIssued');
    expect(notice?.data).not.toHaveProperty('otp');
    expect(notice?.data['otp_sealed']).toEqual(expect.any(String));
    expect(stdout).not.toContain(otp);

    // And it still starts the trip.
    expect((await http(`${sys.booking}/bookings/${bookingId}/start`, 'POST', { otp }, driver.token)).status).toBe(200);
  });
});
