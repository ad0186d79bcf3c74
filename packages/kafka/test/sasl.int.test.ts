import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TOPIC_IDS, type TopicMessage, type TopicNames } from '@rideline/contracts';
import { getFreePort, startKafkaBroker, type RunningKafkaBroker } from '@rideline/dev-infra';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKafkaRuntime, TopicConsumer, type ConsumedRecord } from '../src/index.ts';

/**
 * A broker of its own whose client listener requires SASL/SCRAM-SHA-512 (as docker-compose's
 * does), with one user: the services' Kafka settings must get through it, and nothing else.
 * Its PLAINTEXT listener serves only the broker itself (and the start-up readiness probe).
 */
const logger = pino({ level: 'silent' });
const user = { name: 'booking-service', password: `pw-${randomUUID()}` };
const topics: TopicNames = Object.fromEntries(TOPIC_IDS.map((id) => [id, `sasl-${id}`])) as TopicNames;
let broker: RunningKafkaBroker;
let dataDir: string;
let saslBrokers: string[];

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'rideline-kafka-sasl-'));
  const [port, controllerPort, saslPort] = [await getFreePort(), await getFreePort(), await getFreePort()];
  const listeners = `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort},SASL://127.0.0.1:${saslPort}`;
  broker = await startKafkaBroker({
    port,
    controllerPort,
    dataDir,
    heapOpts: '-Xms128m -Xmx256m',
    scramUsers: [user],
    properties: {
      listeners,
      'advertised.listeners': listeners,
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL:SASL_PLAINTEXT',
      'listener.name.sasl.sasl.enabled.mechanisms': 'SCRAM-SHA-512',
      'listener.name.sasl.scram-sha-512.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
    },
  });
  saslBrokers = [`127.0.0.1:${saslPort}`];
}, 120_000);

afterAll(async () => {
  await broker?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const runtimeWith = (security: { saslMechanism: 'none' | 'scram-sha-512'; saslUsername?: string; saslPassword?: string }) =>
  startKafkaRuntime({
    brokers: saslBrokers,
    clientId: `sasl-test-${randomUUID().slice(0, 6)}`,
    topics,
    topicPartitions: 1,
    replicationFactor: 1,
    logger,
    ...security,
  });

describe('Kafka with SASL/SCRAM', () => {
  it('publishes and consumes with the right user and password', async () => {
    const runtime = await runtimeWith({ saslMechanism: 'scram-sha-512', saslUsername: user.name, saslPassword: user.password });
    const received: ConsumedRecord<'dispatchOffers'>[] = [];
    const consumer = new TopicConsumer({
      runtime,
      groupId: `sasl-${randomUUID()}`,
      topics: ['dispatchOffers'],
      mode: { kind: 'shared' },
      undecodable: 'park',
      logger,
      fetch: { maxWaitMs: 200 },
      handle: async (record) => {
        received.push(record);
      },
    });
    try {
      const message: TopicMessage<'dispatchOffers'> = {
        event_id: randomUUID(),
        type: 'OfferRevoked',
        version: 1,
        occurred_at: new Date().toISOString(),
        data: { booking_id: 'b-1', driver_id: 'd-1', reason: 'accepted' },
      };
      await runtime.publisher.publish([{ topic: 'dispatchOffers', key: 'd-1', message }]);
      await consumer.start();
      const deadline = Date.now() + 30_000;
      while (received.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(received.map((record) => record.message.event_id)).toEqual([message.event_id]);
    } finally {
      await consumer.stop();
      await runtime.close();
    }
  }, 60_000);

  it('is refused with a wrong password, and without credentials', async () => {
    const wrong = await runtimeWith({ saslMechanism: 'scram-sha-512', saslUsername: user.name, saslPassword: 'wrong' }).catch((error: unknown) => error);
    expect(String((wrong as Error).cause ?? wrong)).toMatch(/SASL SCRAM SHA512 authentication failed/i);
    const anonymous = await runtimeWith({ saslMechanism: 'none' }).catch((error: unknown) => error);
    expect(anonymous).toBeInstanceOf(Error);
  }, 60_000);

  it('refuses a mechanism without its username and password before connecting', async () => {
    await expect(runtimeWith({ saslMechanism: 'scram-sha-512' })).rejects.toThrow(
      'KAFKA_SASL_MECHANISM=scram-sha-512 needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD',
    );
  });
});
