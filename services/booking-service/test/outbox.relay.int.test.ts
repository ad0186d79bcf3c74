/**
 * The outbox relay publishes every committed row once, in id order, and leaves only unpublished
 * rows behind whenever it rests (what `rideline_outbox_backlog_rows` counts), including while rows
 * keep arriving and a batch's delete travels with the next batch's select.
 */
import { driverUrl } from '@rideline/postgres';
import { TopicReader } from '@rideline/test-support';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { OutboxRelay } from '../src/outbox/outbox-relay.ts';
import { startTestBookingSystem, type TestBookingSystem } from './support/booking-system.ts';

let running: TestBookingSystem;
let reader: TopicReader;
let topic: string;
/** Polls only once a minute: an empty outbox within the tests' 10 s is the relay's own doing. */
let relay: OutboxRelay;

beforeAll(async () => {
  running = await startTestBookingSystem();
  topic = running.config.topics.bookingNotifications;
  reader = await TopicReader.start(running.system.kafka.kafka, [topic]);
  await running.system.relay.stop();
  relay = new OutboxRelay({
    databaseUrl: running.config.databaseUrl,
    publisher: running.system.kafka.publisher,
    logger: pino({ level: 'silent' }),
    idlePollMs: 60_000,
  });
  relay.start();
});

afterAll(async () => {
  await relay?.stop();
  await reader?.stop();
  await running?.close();
});

const markers = (key: string) => reader.records.filter((r) => r.key === key).map((r) => (r.value as { marker: number }).marker);

async function outboxEmpties(): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await running.system.prisma.outboxMessage.count()) > 0) {
    if (Date.now() > deadline) throw new Error('the outbox still holds rows 10 s after the last publish');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

it('publishes rows committed one after another while it works, each once and in order, and empties the outbox', async () => {
  const count = 300;
  for (let marker = 0; marker < count; marker++) {
    await running.system.prisma.outboxMessage.create({ data: { topic, messageKey: 'burst', payload: { marker } } });
    relay.publishNow();
  }
  await reader.waitFor(() => markers('burst').length >= count);
  await outboxEmpties();
  expect(markers('burst')).toEqual(Array.from({ length: count }, (_, marker) => marker));
});

it('publishes a row whose transaction committed after a row with a larger id was published', async () => {
  const late = new pg.Client({ connectionString: driverUrl(running.database.databaseUrl) });
  await late.connect();
  try {
    await late.query('BEGIN');
    await late.query(`INSERT INTO outbox_messages (topic, message_key, payload) VALUES ($1, 'late', '{"marker": 1}')`, [topic]);
    await running.system.prisma.outboxMessage.create({ data: { topic, messageKey: 'early', payload: { marker: 2 } } });
    relay.publishNow();
    await reader.waitFor(() => markers('early').length === 1);
    await late.query('COMMIT');
    relay.publishNow();
    await reader.waitFor(() => markers('late').length === 1);
  } finally {
    await late.end();
  }
  await outboxEmpties();
  expect([markers('late'), markers('early')]).toEqual([[1], [2]]);
});
