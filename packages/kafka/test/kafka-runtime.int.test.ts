import { randomUUID } from 'node:crypto';
import { TOPIC_IDS, TOPICS, type TopicMessage, type TopicNames } from '@rideline/contracts';
import { testKafkaBrokers } from '@rideline/test-support';
import type { KafkaMessage } from 'kafkajs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigResourceTypes } from '../src/kafkajs.ts';
import { ensureTopics, startKafkaRuntime, TopicConsumer, type ConsumedRecord, type KafkaRuntime } from '../src/index.ts';

const logger = pino({ level: 'silent' });
const runId = randomUUID().slice(0, 8);
const names: TopicNames = Object.fromEntries(TOPIC_IDS.map((id) => [id, `test-${runId}.${id}`])) as TopicNames;
let runtime: KafkaRuntime;

const offer = (bookingId: string, driverId: string): TopicMessage<'dispatchOffers'> => ({
  event_id: randomUUID(),
  type: 'OfferRevoked',
  version: 1,
  occurred_at: new Date().toISOString(),
  data: { booking_id: bookingId, driver_id: driverId, reason: 'accepted' },
});

async function until(predicate: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  runtime = await startKafkaRuntime({
    brokers: testKafkaBrokers().split(','),
    clientId: `test-${runId}`,
    topics: names,
    topicPartitions: 3,
    replicationFactor: 1,
    logger,
  });
});

afterAll(async () => {
  await runtime?.admin.deleteTopics({ topics: Object.values(names) }).catch(() => {});
  await runtime?.close();
});

describe('topic provisioning', () => {
  it('created every topic of API.md with its partitions and cleanup policy', async () => {
    const metadata = await runtime.admin.fetchTopicMetadata({ topics: Object.values(names) });
    for (const topic of metadata.topics) expect(topic.partitions).toHaveLength(3);
    const { resources } = await runtime.admin.describeConfigs({
      includeSynonyms: false,
      resources: [names.driverLocations, names.bookingEvents].map((name) => ({
        type: ConfigResourceTypes.TOPIC,
        name,
        configNames: ['cleanup.policy', 'min.compaction.lag.ms'],
      })),
    });
    const setting = (name: string, key: string) => resources.find((r) => r.resourceName === name)?.configEntries.find((e) => e.configName === key)?.configValue;
    expect(setting(names.driverLocations, 'cleanup.policy')).toBe('compact');
    expect(setting(names.driverLocations, 'min.compaction.lag.ms')).toBe(String(TOPICS.driverLocations.minCompactionLagMs));
    expect(setting(names.bookingEvents, 'cleanup.policy')).toBe('delete');
  });

  it('is idempotent, and restores a cleanup policy and compaction lag someone changed', async () => {
    await runtime.admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: names.driverLocations,
          configEntries: [
            { name: 'cleanup.policy', value: 'delete' },
            { name: 'retention.ms', value: '86400000' }, // an operator's own override
          ],
        },
      ],
    });
    const report = await ensureTopics(runtime.admin, names, { partitions: 3, replicationFactor: 1 });
    expect(report.created).toEqual([]);
    expect(report.reconfigured).toEqual([names.driverLocations]);
    const { resources } = await runtime.admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: names.driverLocations, configNames: ['cleanup.policy', 'min.compaction.lag.ms', 'retention.ms'] }],
    });
    const setting = (key: string) => resources[0]?.configEntries.find((e) => e.configName === key)?.configValue;
    expect([setting('cleanup.policy'), setting('min.compaction.lag.ms'), setting('retention.ms')]).toEqual(['compact', '3600000', '86400000']);
    const again = await ensureTopics(runtime.admin, names, { partitions: 3, replicationFactor: 1 });
    expect(again).toEqual({ created: [], reconfigured: [] });
  });
});

describe('topic provisioning racing another service', () => {
  it('returns only once the topics another service is creating can be read', async () => {
    // Service A creates the topics without waiting for leaders; service B, starting at the same
    // time, finds them listed and must not go on until their partitions are served.
    const raceNames = Object.fromEntries(TOPIC_IDS.map((id) => [id, `test-${runId}-race.${id}`])) as TopicNames;
    const creating = runtime.admin.createTopics({
      waitForLeaders: false,
      topics: Object.values(raceNames).map((topic) => ({ topic, numPartitions: 6, replicationFactor: 1 })),
    });
    try {
      let listed = false;
      while (!listed) {
        const topics = new Set(await runtime.admin.listTopics());
        listed = Object.values(raceNames).every((topic) => topics.has(topic));
      }
      await ensureTopics(runtime.admin, raceNames, { partitions: 6, replicationFactor: 1 });
      for (const topic of Object.values(raceNames)) expect(await runtime.admin.fetchTopicOffsets(topic)).toHaveLength(6);
    } finally {
      await creating.catch(() => {});
      await runtime.admin.deleteTopics({ topics: Object.values(raceNames) }).catch(() => {});
    }
  });
});

describe('publisher and a shared consumer', () => {
  it('delivers each key in order, and parks a poison record without blocking the partition', async () => {
    const received: ConsumedRecord<'dispatchOffers'>[] = [];
    const consumer = new TopicConsumer({
      runtime,
      groupId: `test-${runId}-offers`,
      topics: ['dispatchOffers'],
      mode: { kind: 'shared' },
      undecodable: 'park',
      logger,
      handle: async (record) => {
        received.push(record);
      },
    });
    const parked: KafkaMessage[] = [];
    const deadLetterReader = runtime.kafka.consumer({ groupId: `test-${runId}-dlq` });
    await deadLetterReader.connect();
    await deadLetterReader.subscribe({ topic: names.deadLetter, fromBeginning: true });
    await deadLetterReader.run({ eachMessage: async ({ message }) => void parked.push(message) });
    await consumer.start();

    const drivers = ['d-1', 'd-2', 'd-3'];
    for (let i = 0; i < 10; i++) {
      await runtime.publisher.publish(drivers.map((driver) => ({ topic: 'dispatchOffers', key: driver, message: offer(`b-${i}`, driver) })));
    }
    // Poison on d-1's partition, then a good record behind it on the same key.
    await runtime.publisher.sendRaw([{ topic: names.dispatchOffers, key: 'd-1', value: '{"not":"an envelope"}' }]);
    await runtime.publisher.publish([{ topic: 'dispatchOffers', key: 'd-1', message: offer('b-after-poison', 'd-1') }]);

    await until(() => received.length === 31 && parked.length === 1);
    for (const driver of drivers) {
      const bookings = received.filter((r) => r.key === driver).map((r) => r.message.data.booking_id);
      const expected = Array.from({ length: 10 }, (_, i) => `b-${i}`);
      expect(bookings.slice(0, 10)).toEqual(expected);
    }
    const afterPoison = received.filter((r) => r.key === 'd-1').at(-1);
    expect(afterPoison?.message.data.booking_id).toBe('b-after-poison');
    const poison = parked[0]!;
    expect(poison.value?.toString()).toBe('{"not":"an envelope"}');
    expect(poison.headers?.['x-source-topic']?.toString()).toBe(names.dispatchOffers);
    expect(poison.headers?.['x-reason']?.toString()).toContain('schema');

    await consumer.stop();
    await deadLetterReader.disconnect();
  });
});

describe('request counts', () => {
  const count = (client: string, api: string) => runtime.requests.samples().find((s) => s.client === client && s.api === api) ?? { requests: 0, bytes: 0 };

  it('counts the admin, producer and consumer requests by client and API, with their bytes', async () => {
    // Provisioning at start asked the broker about topics.
    expect(count('admin', 'Metadata').requests).toBeGreaterThan(0);
    const producedBefore = count('producer', 'Produce');
    const driver = `d-rq-${randomUUID()}`;
    await runtime.publisher.publish([{ topic: 'dispatchOffers', key: driver, message: offer('rq-1', driver) }]);
    await runtime.publisher.publish([
      { topic: 'dispatchOffers', key: driver, message: offer('rq-2', driver) },
      { topic: 'dispatchOffers', key: driver, message: offer('rq-3', driver) },
    ]);
    // One request per publish call here: one key, so one partition on one broker.
    expect(count('producer', 'Produce').requests - producedBefore.requests).toBe(2);
    expect(count('producer', 'Produce').bytes).toBeGreaterThan(producedBefore.bytes);

    const groupId = `test-${runId}-requests`;
    const seen: string[] = [];
    const consumer = new TopicConsumer({
      runtime,
      groupId,
      topics: ['dispatchOffers'],
      mode: { kind: 'replay' },
      undecodable: 'skip',
      logger,
      fetch: { maxWaitMs: 100 },
      handle: (record) => {
        if (record.message.data.driver_id === driver) seen.push(record.message.data.booking_id);
      },
    });
    await consumer.start();
    await until(() => seen.length === 3);
    expect(seen).toEqual(['rq-1', 'rq-2', 'rq-3']);
    expect(count(groupId, 'Fetch').requests).toBeGreaterThan(0);
    expect(count(groupId, 'JoinGroup').requests).toBeGreaterThan(0);
    // The consumer's requests are its own, not the producer's or the admin's.
    expect(count(groupId, 'Produce').requests).toBe(0);
    await consumer.stop();
  });
});
