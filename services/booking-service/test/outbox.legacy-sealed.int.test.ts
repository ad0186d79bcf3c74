/**
 * Outbox rows written by the version that sealed the whole OTP notice under OTP_SECRET (around
 * an OTP in clear, a shape today's contract refuses) are dropped by the relay, not published,
 * and do not hold up the rows behind them.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestBookingSystem, type TestBookingSystem } from './support/booking-system.ts';
import { TopicReader } from '@rideline/test-support';

let running: TestBookingSystem;
let reader: TopicReader;

beforeAll(async () => {
  running = await startTestBookingSystem();
  reader = await TopicReader.start(running.system.kafka.kafka, [running.config.topics.bookingNotifications]);
});

afterAll(async () => {
  await reader?.stop();
  await running?.close();
});

it('drops a legacy sealed row and publishes the next one', async () => {
  const topic = running.config.topics.bookingNotifications;
  await running.system.prisma.outboxMessage.create({ data: { topic, messageKey: 'legacy', sealedPayload: 'c2VhbGVk' } });
  await running.system.prisma.outboxMessage.create({ data: { topic, messageKey: 'after', payload: { marker: 'after' } } });
  running.system.relay.publishNow();
  await reader.waitFor((records) => records.some((r) => r.key === 'after'));
  expect(reader.records.map((r) => r.key)).toEqual(['after']);
  // Published rows go once the relay rests: within its delete linger (50 ms) when no other row waits.
  await expect.poll(() => running.system.prisma.outboxMessage.count(), { timeout: 5_000, interval: 20 }).toBe(0);
});
