import type { TopicNames } from '@rideline/contracts';
import type { Admin, Kafka } from 'kafkajs';
import { createKafkaClient, type KafkaSecurityOptions } from './client.ts';
import { KafkaStartupError } from './errors.ts';
import { keyPartitionEnd, type KeyPartitionEnd } from './key-partition.ts';
import type { Logger } from './logger.ts';
import { TopicPublisher } from './publisher.ts';
import { kafkaReadinessCheck } from './readiness.ts';
import { KafkaRequestCounts } from './request-counts.ts';
import { ensureTopics } from './topic-provisioning.ts';

export interface KafkaRuntimeOptions extends KafkaSecurityOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly topics: TopicNames;
  readonly topicPartitions: number;
  readonly replicationFactor: number;
  readonly logger: Logger;
}

/**
 * What a service holds of Kafka while it runs: one client, one admin, one producer. Services read
 * through `TopicConsumer` and write through `publisher`; `kafka` and `admin` (kafkajs' own) are
 * for this package and for tests.
 */
export interface KafkaRuntime {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly publisher: TopicPublisher;
  readonly topics: TopicNames;
  /** Every request its clients (admin, producer, consumers) send, by client and API. */
  readonly requests: KafkaRequestCounts;
  readonly ready: () => Promise<void>;
  /** The partition `key` is written to in `topic`, and that partition's current end. */
  partitionEnd(topic: string, key: string): Promise<KeyPartitionEnd>;
  close(): Promise<void>;
}

/**
 * Connects to the broker, creating the topics of API.md if they are missing, and connects the
 * producer. Fails within seconds (the client's bounded retries) with a message naming
 * KAFKA_BROKERS when the broker does not answer, rather than retrying forever at start-up.
 */
export async function startKafkaRuntime(options: KafkaRuntimeOptions): Promise<KafkaRuntime> {
  const kafka = createKafkaClient({
    brokers: options.brokers,
    clientId: options.clientId,
    logger: options.logger,
    ...(options.saslMechanism === undefined ? {} : { saslMechanism: options.saslMechanism }),
    ...(options.saslUsername === undefined ? {} : { saslUsername: options.saslUsername }),
    ...(options.saslPassword === undefined ? {} : { saslPassword: options.saslPassword }),
    ...(options.ssl === undefined ? {} : { ssl: options.ssl }),
  });
  const admin = kafka.admin();
  const requests = new KafkaRequestCounts();
  requests.watch('admin', admin);
  const publisher = new TopicPublisher(kafka, options.topics, requests);
  try {
    await admin.connect();
    const report = await ensureTopics(admin, options.topics, {
      partitions: options.topicPartitions,
      replicationFactor: options.replicationFactor,
    });
    if (report.created.length > 0) options.logger.info({ topics: report.created }, 'created topics');
    if (report.reconfigured.length > 0) {
      options.logger.warn({ topics: report.reconfigured }, 'reset the cleanup settings (cleanup.policy, min.compaction.lag.ms) of topics');
    }
    await publisher.connect();
  } catch (error) {
    await Promise.allSettled([admin.disconnect(), publisher.disconnect()]);
    throw new KafkaStartupError(options.brokers, error);
  }
  return {
    kafka,
    admin,
    publisher,
    topics: options.topics,
    requests,
    ready: kafkaReadinessCheck(admin),
    partitionEnd: (topic, key) => keyPartitionEnd(admin, topic, key),
    async close() {
      await Promise.allSettled([publisher.disconnect(), admin.disconnect()]);
    },
  };
}
