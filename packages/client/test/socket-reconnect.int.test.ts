import { expect, it } from 'vitest';
import { events, newId, publish } from '../../../services/realtime-gateway/test/support/events.ts';
import { sleep, until, untilReady, within } from '../../../services/realtime-gateway/test/support/gateway.ts';
import { useGatewayHarness } from '../../../services/realtime-gateway/test/support/harness.ts';
import type { TestIssuer } from '../../../services/realtime-gateway/test/support/jwks-server.ts';
import { riderSocket } from '../src/socket/index.ts';
import { record } from './support/app-log.ts';
import { RecordingWebSocket } from './support/recording-web-socket.ts';

/** A gateway stopped and a new one started on the same port, against the real broker. */
const h = useGatewayHarness('client-reconnect');

const status = (bookingId: string, value: string) => expect.objectContaining({ type: 'booking_status', booking_id: bookingId, status: value });
const otp = (bookingId: string, value: string) => expect.objectContaining({ type: 'otp', booking_id: bookingId, otp: value });

it('reconnects to a restarted gateway: the app misses no status (published while it was down) and sees none twice', { timeout: 120_000 }, async () => {
  const rider: Parameters<TestIssuer['token']>[0] = { kind: 'user', id: newId() };
  const driverId = newId();
  const unchanged = { bookingId: newId(), userId: rider.id };
  const changed = { bookingId: newId(), userId: rider.id };
  const controller = new AbortController();
  const client = riderSocket({
    url: h.gateway.wsBase,
    getToken: () => h.issuer.token(rider, 300),
    WebSocket: RecordingWebSocket,
    auth: 'header',
    backoff: { baseMs: 100, capMs: 500 },
    signal: controller.signal,
  });
  const app = record(client, ['booking_status', 'otp', 'error']);
  await until(() => client.state === 'open', 10_000, 'open');

  await within(
    20_000,
    'publishing the first statuses',
    publish.booking(h.kafka, events.requested(unchanged), events.accepted(unchanged, driverId, 2), events.requested(changed)),
  );
  await until(() => app.messages.length === 3, 10_000, 'the live statuses');
  // The OTP travels on another topic: published after the statuses arrived, for a fixed order.
  await within(20_000, 'publishing the first OTP', publish.notice(h.kafka, events.otp(unchanged, '111222')));
  await until(() => app.messages.length === 4, 10_000, 'the live OTP');

  const port = new URL(h.gateway.httpBase).port;
  await within(10_000, 'closing the first gateway', h.gateway.close());
  await until(() => app.states.some((s) => s.state === 'closed'), 5_000, 'the close');
  expect(app.states.find((s) => s.state === 'closed')).toMatchObject({ code: 1001, action: 'reconnect' });

  // While no gateway runs: the second booking is accepted and its OTP issued.
  await within(20_000, 'publishing while no gateway runs', publish.booking(h.kafka, events.accepted(changed, driverId, 2)));
  await within(20_000, 'publishing the OTP while no gateway runs', publish.notice(h.kafka, events.otp(changed, '333444')));
  await sleep(600); // a few failed attempts, each backed off
  const restarted = await within(30_000, 'starting the second gateway', h.startGateway({ PORT: port }));
  await untilReady(restarted);
  await until(() => app.messages.length === 6, 15_000, 'the snapshot after the restart');
  await within(20_000, 'publishing after the restart', publish.booking(h.kafka, events.started(changed, driverId, 4)));
  await until(() => app.messages.length === 7, 10_000, 'the live message after the restart');
  await sleep(300);

  // Each booking's messages in order; the two bookings' records sit on different partitions, so
  // how they interleave is not fixed.
  const of = (bookingId: string) => app.messages.filter((message) => 'booking_id' in message && message.booking_id === bookingId);
  expect(app.messages).toHaveLength(7);
  expect(of(unchanged.bookingId)).toEqual([
    status(unchanged.bookingId, 'pending'),
    status(unchanged.bookingId, 'accepted'),
    otp(unchanged.bookingId, '111222'),
  ]);
  expect(of(changed.bookingId)).toEqual([
    status(changed.bookingId, 'pending'),
    status(changed.bookingId, 'accepted'),
    otp(changed.bookingId, '333444'),
    status(changed.bookingId, 'on_trip'),
  ]);
  // The gateway did re-send the unchanged booking's state on reconnect: the client merged it away.
  const resent = RecordingWebSocket.last().received.map((text) => JSON.parse(text) as { type: string; booking_id: string; status?: string });
  expect(resent).toContainEqual(expect.objectContaining({ type: 'booking_status', booking_id: unchanged.bookingId, status: 'accepted' }));
  expect(resent).toContainEqual(expect.objectContaining({ type: 'otp', booking_id: unchanged.bookingId }));
  expect(app.states.filter((s) => s.state === 'open')).toHaveLength(2);
  expect(app.states.filter((s) => s.state === 'connecting').length).toBeGreaterThan(2);

  controller.abort();
  await expect(within(5_000, 'the client stopping after abort', client.stopped)).resolves.toEqual({ reason: 'aborted', code: null });
  expect(app.states.at(-1)).toEqual({ state: 'stopped', reason: 'aborted', code: null });
});
