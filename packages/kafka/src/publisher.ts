import type { MessageTopicId, TopicMessage, TopicNames } from '@rideline/contracts';
import { inSpan, SpanKind, traceCarrier, tracingActive, type TraceCarrier } from '@rideline/telemetry';
import type { Kafka, Producer } from 'kafkajs';
import { Partitioners } from './kafkajs.ts';
import { splitBySize } from './request-size.ts';
import type { KafkaRequestCounts } from './request-counts.ts';

interface TopicRecord<T extends MessageTopicId> {
  readonly topic: T;
  /** The aggregate id the topic is keyed by (API.md): one key's records stay in order. */
  readonly key: string;
  readonly message: TopicMessage<T>;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * A record for one of the topics `T`, its message of that topic's kind. Distributed over the
 * topics (one member per topic) rather than `{ topic: T; message: TopicMessage<T> }` with `T`
 * the union of topics, which would pair any topic with any topic's message.
 */
export type OutgoingRecord<T extends MessageTopicId = MessageTopicId> = { readonly [K in T]: TopicRecord<K> }[T];

/**
 * Sends typed envelopes to the topics of API.md, with acks=all and one request in flight, so
 * a key's records keep their order. Delivery is at least once (consumers de-duplicate on
 * `event_id`, as API.md says). Not kafkajs' idempotent mode: after a broker restart its
 * sequence numbers go out of step ("out of order sequence number") and it never recovers.
 * Instead, a send that fails is reported to the caller and the producer is replaced, so the
 * next send starts clean (the outbox relay simply sends the same rows again).
 */
export class TopicPublisher {
  readonly #kafka: Kafka;
  readonly #names: TopicNames;
  #producer: Producer;
  /** The caller connected us (and has not disconnected): keep a producer connected. */
  #wanted = false;
  /** Whether the current producer has connected. */
  #live = false;

  readonly #requests: KafkaRequestCounts | undefined;

  constructor(kafka: Kafka, names: TopicNames, requests?: KafkaRequestCounts) {
    this.#kafka = kafka;
    this.#names = names;
    this.#requests = requests;
    this.#producer = this.#newProducer();
  }

  #newProducer(): Producer {
    const producer = this.#kafka.producer({
      idempotent: false,
      // kafkajs keeps per-partition order under retries only with one request in flight.
      maxInFlightRequests: 1,
      // Murmur2, the partitioner of the Java client and of Kafka's console tools.
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
      retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 2_000 },
    });
    this.#requests?.watch('producer', producer);
    return producer;
  }

  async connect(): Promise<void> {
    this.#wanted = true;
    await this.#producer.connect();
    this.#live = true;
  }

  async disconnect(): Promise<void> {
    this.#wanted = false;
    this.#live = false;
    await this.#producer.disconnect();
  }

  /**
   * Generic so that a caller generic in its topic can pass its records on (see `OutgoingRecord`).
   * With tracing on and a span active (a request, a record being handled), the send is a
   * producer span of its trace and each record carries it in W3C `traceparent` headers.
   */
  publish<T extends MessageTopicId = MessageTopicId>(records: readonly OutgoingRecord<T>[]): Promise<void> {
    if (!tracingActive()) return this.sendRaw(records.map((record) => this.#raw(record, undefined)));
    const topics = [...new Set(records.map((record) => this.#names[record.topic]))].join(',');
    const attributes = {
      'messaging.system': 'kafka',
      'messaging.operation.type': 'send',
      'messaging.destination.name': topics,
      'messaging.batch.message_count': records.length,
    };
    return inSpan(`send ${topics}`, { kind: SpanKind.PRODUCER, requireParent: true, attributes }, () => {
      const carrier = traceCarrier();
      return this.sendRaw(records.map((record) => this.#raw(record, carrier)));
    });
  }

  #raw<T extends MessageTopicId>(record: OutgoingRecord<T>, trace: TraceCarrier | undefined): RawRecord {
    const headers = trace ? { ...trace, ...record.headers } : record.headers;
    return { topic: this.#names[record.topic], key: record.key, value: JSON.stringify(record.message), ...(headers ? { headers } : {}) };
  }

  /**
   * Records whose values are already serialised (the outbox relay's rows, dead-lettered bytes),
   * to topics by name, in the order given within each topic. A call larger than one request may
   * carry (see `request-size.ts`) is sent as several, one after another; if one fails, those
   * before it are delivered and the caller's retry sends them again (consumers de-duplicate).
   */
  async sendRaw(records: readonly RawRecord[]): Promise<void> {
    for (const run of splitBySize(records)) await this.#send(run);
  }

  async #send(records: readonly RawRecord[]): Promise<void> {
    if (records.length === 0) return;
    const byTopic = new Map<string, { key: Buffer | string | null; value: Buffer | string | null; headers?: Record<string, string> }[]>();
    for (const record of records) {
      let messages = byTopic.get(record.topic);
      if (!messages) byTopic.set(record.topic, (messages = []));
      messages.push({ key: record.key, value: record.value, ...(record.headers ? { headers: { ...record.headers } } : {}) });
    }
    try {
      if (this.#wanted && !this.#live) {
        await this.#producer.connect();
        this.#live = true;
      }
      await this.#producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    } catch (error) {
      await this.#renew();
      throw error;
    }
  }

  /** A fresh producer (new connections, fresh state) after a failed send. */
  async #renew(): Promise<void> {
    const failed = this.#producer;
    this.#producer = this.#newProducer();
    this.#live = false;
    await failed.disconnect().catch(() => {});
  }
}

export interface RawRecord {
  readonly topic: string;
  readonly key: Buffer | string | null;
  readonly value: Buffer | string | null;
  readonly headers?: Readonly<Record<string, string>>;
}
