import type { MessageTopicId, TopicMessage, TopicNames } from '@rideline/contracts';
import type { Kafka, Producer } from 'kafkajs';
import { Partitioners } from './kafkajs.ts';

export interface OutgoingRecord<T extends MessageTopicId = MessageTopicId> {
  readonly topic: T;
  /** The aggregate id the topic is keyed by (API.md): one key's records stay in order. */
  readonly key: string;
  readonly message: TopicMessage<T>;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Sends typed envelopes to the topics of API.md. The producer is idempotent with acks=all,
 * so a retried send neither duplicates nor reorders a key's records.
 */
export class TopicPublisher {
  readonly #producer: Producer;
  readonly #names: TopicNames;

  constructor(kafka: Kafka, names: TopicNames) {
    this.#names = names;
    this.#producer = kafka.producer({
      idempotent: true,
      // kafkajs keeps per-partition order under retries only with one request in flight.
      maxInFlightRequests: 1,
      // Murmur2, the partitioner of the Java client and of Kafka's console tools.
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
      // An idempotent producer retries until the broker takes the record (kafkajs' advice for
      // idempotence): a broker outage delays a send instead of failing it.
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 100, maxRetryTime: 5_000 },
    });
  }

  get producer(): Producer {
    return this.#producer;
  }

  connect(): Promise<void> {
    return this.#producer.connect();
  }

  disconnect(): Promise<void> {
    return this.#producer.disconnect();
  }

  publish(records: readonly OutgoingRecord[]): Promise<void> {
    return this.sendRaw(
      records.map((record) => ({
        topic: this.#names[record.topic],
        key: record.key,
        value: JSON.stringify(record.message),
        ...(record.headers ? { headers: record.headers } : {}),
      })),
    );
  }

  /**
   * Records whose values are already serialised (the outbox relay's rows, dead-lettered bytes),
   * to topics by name, in the order given within each topic.
   */
  async sendRaw(records: readonly RawRecord[]): Promise<void> {
    if (records.length === 0) return;
    const byTopic = new Map<string, { key: Buffer | string | null; value: Buffer | string | null; headers?: Record<string, string> }[]>();
    for (const record of records) {
      let messages = byTopic.get(record.topic);
      if (!messages) byTopic.set(record.topic, (messages = []));
      messages.push({ key: record.key, value: record.value, ...(record.headers ? { headers: { ...record.headers } } : {}) });
    }
    await this.#producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  }
}

export interface RawRecord {
  readonly topic: string;
  readonly key: Buffer | string | null;
  readonly value: Buffer | string | null;
  readonly headers?: Readonly<Record<string, string>>;
}
