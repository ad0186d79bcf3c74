import type { Principal } from '@rideline/auth';
import { createLogger } from '@rideline/service-kit';
import { expect, it, vi } from 'vitest';
import { events, newId, publish } from './support/events.ts';
import { until } from './support/gateway.ts';
import { useGatewayHarness } from './support/harness.ts';
import { connect } from './support/ws-client.ts';

/**
 * An undecodable record on a feed topic is skipped (never parked: every instance replays at
 * every start), logged and counted, and the records behind it on its partition still arrive.
 */
const logger = createLogger('realtime-gateway', 'warn');
const warn = vi.spyOn(logger, 'warn').mockImplementation(() => {});
const h = useGatewayHarness('poison', { logger });

it('skips, logs and counts an undecodable booking event; the next record on its partition is still delivered', async () => {
  const rider: Principal = { kind: 'user', id: newId() };
  const socket = await connect(`${h.gateway.wsBase}/ws/bookings/`, { token: h.issuer.token(rider) });
  const booking = { bookingId: newId(), userId: rider.id };
  // Same key as the good record behind them: same partition, so it has to get past them.
  await h.kafka.publisher.sendRaw([
    { topic: h.topics.bookingEvents, key: booking.bookingId, value: 'not json' },
    { topic: h.topics.bookingEvents, key: booking.bookingId, value: JSON.stringify({ type: 'BookingRequested', data: { booking_id: booking.bookingId } }) },
  ]);
  await publish.booking(h.kafka, events.requested(booking));

  await until(() => socket.of('booking_status').length > 0, 10_000, 'the booking after the poison');
  expect(socket.of('booking_status')[0]).toMatchObject({ type: 'booking_status', booking_id: booking.bookingId, status: 'pending' });

  const skipped = warn.mock.calls.filter(([, message]) => message === 'skipping an undecodable record').map(([entry]) => entry as Record<string, unknown>);
  expect(skipped).toHaveLength(2);
  for (const entry of skipped) expect(entry).toMatchObject({ topic: h.topics.bookingEvents, partition: expect.any(Number), offset: expect.any(String) });
  expect(skipped[0]?.['reason']).toBe('record value is not JSON');
  expect(String(skipped[1]?.['reason'])).toContain('schema');

  const metrics = await (await fetch(`${h.gateway.httpBase}/metrics`)).text();
  const undecodable = metrics
    .split('\n')
    .find((line) => line.startsWith('rideline_gateway_records_total{') && line.includes('outcome="undecodable"') && line.includes('topic="bookingEvents"'));
  expect(undecodable).toMatch(/ 2$/);

  // Skipped, not parked.
  const deadLetterEnds = await h.kafka.admin.fetchTopicOffsets(h.topics.deadLetter);
  expect(deadLetterEnds.every((end) => end.high === '0')).toBe(true);
  socket.close();
});
