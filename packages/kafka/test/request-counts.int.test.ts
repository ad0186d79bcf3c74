import { randomUUID } from 'node:crypto';
import { TOPIC_IDS, type TopicMessage, type TopicNames } from '@rideline/contracts';
import { testKafkaBrokers } from '@rideline/test-support';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startKafkaRuntime, TopicConsumer, type KafkaRequestSample, type KafkaRuntime } from '../src/index.ts';

/** Every request a runtime's clients send is counted under its client and the Kafka API. */
const logger = pino({ level: 'silent' });
const runId = randomUUID().slice(0, 8);
const names: TopicNames = Object.fromEntries(TOPIC_IDS.map((id) => [id, `test-rq-${runId}.${id}`])) as TopicNames;
let runtime: KafkaRuntime;

const revoked = (bookingId: string): TopicMessage<'dispatchOffers'> => ({
  event_id: randomUUID(),
  type: 'OfferRevoked',
  version: 2,
  occurred_at: new Date().toISOString(),
  data: { booking_id: bookingId, driver_id: 'd-1', reason: 'accepted' },
});

const count = (samples: readonly KafkaRequestSample[], client: string, api: string) =>
  samples.find((s) => s.client === client && s.api === api) ?? { requests: 0, bytes: 0 };

beforeAll(async () => {
  runtime = await startKafkaRuntime({
    brokers: testKafkaBrokers().split(','),
    clientId: `test-rq-${runId}`,
    topics: names,
    topicPartitions: 1,
    replicationFactor: 1,
    logger,
  });
});

afterAll(async () => {
  await runtime?.admin.deleteTopics({ topics: Object.values(names) }).catch(() => {});
  await runtime?.close();
});

it('counts the admin, producer and consumer requests by client and API, with their bytes', async () => {
  // Provisioning at start asked the broker about topics.
  expect(count(runtime.requests.samples(), 'admin', 'Metadata').requests).toBeGreaterThan(0);
  const producedBefore = count(runtime.requests.samples(), 'producer', 'Produce');
  await runtime.publisher.publish([{ topic: 'dispatchOffers', key: 'd-1', message: revoked('b-1') }]);
  await runtime.publisher.publish([
    { topic: 'dispatchOffers', key: 'd-1', message: revoked('b-2') },
    { topic: 'dispatchOffers', key: 'd-1', message: revoked('b-3') },
  ]);
  const produced = count(runtime.requests.samples(), 'producer', 'Produce');
  // One request per publish call here: one partition, one broker.
  expect(produced.requests - producedBefore.requests).toBe(2);
  expect(produced.bytes).toBeGreaterThan(producedBefore.bytes);

  const groupId = `test-rq-${runId}-group`;
  const seen: string[] = [];
  const consumer = new TopicConsumer({
    runtime,
    groupId,
    topics: ['dispatchOffers'],
    mode: { kind: 'replay' },
    undecodable: 'skip',
    logger,
    fetch: { maxWaitMs: 100 },
    handle: (record) => void seen.push(record.message.data.booking_id),
  });
  await consumer.start();
  const deadline = Date.now() + 20_000;
  while (seen.length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(seen).toEqual(['b-1', 'b-2', 'b-3']);
  const samples = runtime.requests.samples();
  expect(count(samples, groupId, 'Fetch').requests).toBeGreaterThan(0);
  expect(count(samples, groupId, 'JoinGroup').requests).toBeGreaterThan(0);
  // The consumer's requests are its own, not the producer's or the admin's.
  expect(count(samples, groupId, 'Produce').requests).toBe(0);
  await consumer.stop();
});
