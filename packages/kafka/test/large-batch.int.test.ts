import { randomUUID } from 'node:crypto';
import { TOPIC_IDS, type TopicMessage, type TopicNames } from '@rideline/contracts';
import { testKafkaBrokers } from '@rideline/test-support';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startKafkaRuntime, type KafkaRuntime } from '../src/index.ts';

/**
 * The broker refuses a record batch larger than its `message.max.bytes` (1 MiB by default), and
 * kafkajs puts all of one call's records for a partition into one batch. Dispatch re-publishing
 * 10,000 drivers' states in one call failed that way ("message larger than the max message size").
 */
const runId = randomUUID().slice(0, 8);
const names: TopicNames = Object.fromEntries(TOPIC_IDS.map((id) => [id, `test-large-${runId}.${id}`])) as TopicNames;
let runtime: KafkaRuntime;

beforeAll(async () => {
  runtime = await startKafkaRuntime({
    brokers: testKafkaBrokers().split(','),
    clientId: `test-large-${runId}`,
    topics: names,
    // One partition: every record of the call lands in the same batch.
    topicPartitions: 1,
    replicationFactor: 1,
    logger: pino({ level: 'silent' }),
  });
});

afterAll(async () => {
  await runtime?.admin.deleteTopics({ topics: Object.values(names) }).catch(() => {});
  await runtime?.close();
});

const state = (driverId: string, i: number): TopicMessage<'driverLocations'> => ({
  event_id: randomUUID(),
  type: 'DriverStatusReported',
  version: 1,
  occurred_at: new Date().toISOString(),
  data: { driver_id: driverId, available: i % 2 === 0, location: { lat: 52.5 + i / 1e6, lng: 13.4 - i / 1e6 }, reported_at: new Date().toISOString() },
});

it('publishes 10,000 driver states (well over 1 MiB for one partition) in one call, all of them', { timeout: 60_000 }, async () => {
  const records = Array.from({ length: 10_000 }, (_, i) => ({ topic: 'driverLocations' as const, key: `driver-${i}`, message: state(`driver-${i}`, i) }));
  const bytes = records.reduce((sum, r) => sum + Buffer.byteLength(JSON.stringify(r.message)) + r.key.length, 0);
  expect(bytes).toBeGreaterThan(2 * 1024 * 1024);

  await runtime.publisher.publish(records);

  const [end] = await runtime.admin.fetchTopicOffsets(names.driverLocations);
  expect(Number(end?.high) - Number(end?.low)).toBe(10_000);
});
