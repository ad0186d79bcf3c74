import { randomUUID } from 'node:crypto';
import { TOPIC_IDS, type TopicMessage, type TopicNames } from '@rideline/contracts';
import { testKafkaBrokers } from '@rideline/test-support';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { keyPartitionEnd, startKafkaRuntime, type KafkaRuntime } from '../src/index.ts';

const runId = randomUUID().slice(0, 8);
const names: TopicNames = Object.fromEntries(TOPIC_IDS.map((id) => [id, `test-kp-${runId}.${id}`])) as TopicNames;
let runtime: KafkaRuntime;

const revoked = (driverId: string): TopicMessage<'dispatchOffers'> => ({
  event_id: randomUUID(),
  type: 'OfferRevoked',
  version: 2,
  occurred_at: new Date().toISOString(),
  data: { booking_id: randomUUID(), driver_id: driverId, reason: 'accepted' },
});

beforeAll(async () => {
  runtime = await startKafkaRuntime({
    brokers: testKafkaBrokers().split(','),
    clientId: `test-kp-${runId}`,
    topics: names,
    topicPartitions: 6,
    replicationFactor: 1,
    logger: pino({ level: 'silent' }),
  });
});

afterAll(async () => {
  await runtime?.admin.deleteTopics({ topics: Object.values(names) }).catch(() => {});
  await runtime?.close();
});

it('names the partition the publisher writes a key to, and that partition’s end after each write', async () => {
  const topic = names.dispatchOffers;
  for (const key of Array.from({ length: 8 }, () => randomUUID())) {
    const before = await keyPartitionEnd(runtime.admin, topic, key);
    await runtime.publisher.publish([{ topic: 'dispatchOffers', key, message: revoked(key) }]);
    const after = await keyPartitionEnd(runtime.admin, topic, key);
    expect(after.partition).toBe(before.partition);
    // The record landed in exactly the partition named: its end moved by one.
    expect(BigInt(after.endOffset)).toBe(BigInt(before.endOffset) + 1n);
  }
});
