import {
  DEAD_LETTER_HEADERS,
  decodeMessage,
  type MessageTopicId,
  type TopicMessage,
  type TopicNames,
} from '@rideline/contracts';
import type { Consumer, ConsumerConfig, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from './logger.ts';
import type { TopicPublisher } from './publisher.ts';

export interface ConsumedRecord<T extends MessageTopicId> {
  readonly topic: T;
  readonly key: string | null;
  readonly message: TopicMessage<T>;
  readonly partition: number;
  readonly offset: string;
}

export type RecordHandler<T extends MessageTopicId> = (
  record: { [K in T]: ConsumedRecord<K> }[T],
) => Promise<void>;

export interface TypedConsumerOptions<T extends MessageTopicId> {
  readonly kafka: Kafka;
  readonly groupId: string;
  readonly topics: readonly T[];
  readonly names: TopicNames;
  readonly handle: RecordHandler<T>;
  /** Where records that cannot be decoded are parked, so they never block their partition. */
  readonly deadLetter: TopicPublisher;
  readonly logger: Logger;
  /**
   * Told where a record was parked on the dead-letter topic, once it is there: for a handler
   * that keeps its own read position (a parked record is read too, though never handled).
   */
  readonly onParked?: (at: { readonly topic: T; readonly partition: number; readonly offset: string }) => Promise<void>;
  /** A new group starts at the beginning: state is rebuilt by replaying the topics. */
  readonly fromBeginning?: boolean;
  /**
   * More kafkajs consumer settings, e.g. a shorter `maxWaitTimeInMs` (stopping waits for the
   * fetch in flight, 5 s by default) or `sessionTimeout` (how soon a crashed member's partitions move).
   */
  readonly consumerConfig?: Omit<ConsumerConfig, 'groupId' | 'allowAutoTopicCreation'>;
}

/**
 * A consumer group member that validates every record against its topic's contract. A record
 * that does not decode goes to the dead-letter topic with where it came from and why; a handler
 * that throws is retried by kafkajs from the last committed offset, so nothing is skipped.
 */
export class TypedConsumer<T extends MessageTopicId> {
  readonly #options: TypedConsumerOptions<T>;
  readonly #consumer: Consumer;
  readonly #idByName: Map<string, T>;

  constructor(options: TypedConsumerOptions<T>) {
    this.#options = options;
    this.#consumer = options.kafka.consumer({ ...options.consumerConfig, groupId: options.groupId, allowAutoTopicCreation: false });
    this.#idByName = new Map(options.topics.map((id) => [options.names[id], id]));
  }

  get consumer(): Consumer {
    return this.#consumer;
  }

  async start(): Promise<void> {
    await this.#consumer.connect();
    await this.#consumer.subscribe({
      topics: [...this.#idByName.keys()],
      fromBeginning: this.#options.fromBeginning ?? true,
    });
    await this.#consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const id = this.#idByName.get(topic);
        if (id === undefined) return;
        await this.#dispatch(id, partition, message);
      },
    });
  }

  /** Leaves the group after the batch in hand is handled and its offsets are committed. */
  stop(): Promise<void> {
    return this.#consumer.disconnect();
  }

  async #dispatch(id: T, partition: number, message: KafkaMessage): Promise<void> {
    const decoded = decodeMessage(id, message.value);
    if (!decoded.ok) {
      await this.#park(id, partition, message, decoded.reason);
      await this.#options.onParked?.({ topic: id, partition, offset: message.offset });
      return;
    }
    await this.#options.handle({
      topic: id,
      key: message.key?.toString('utf8') ?? null,
      message: decoded.message,
      partition,
      offset: message.offset,
    } as Parameters<RecordHandler<T>>[0]);
  }

  async #park(id: T, partition: number, message: KafkaMessage, reason: string): Promise<void> {
    const source = this.#options.names[id];
    this.#options.logger.warn(
      { topic: source, partition, offset: message.offset, reason },
      'parking a malformed record on the dead-letter topic',
    );
    await this.#options.deadLetter.sendRaw([
      {
        topic: this.#options.names.deadLetter,
        key: message.key,
        value: message.value,
        headers: {
          [DEAD_LETTER_HEADERS.sourceTopic]: source,
          [DEAD_LETTER_HEADERS.sourcePartition]: String(partition),
          [DEAD_LETTER_HEADERS.sourceOffset]: message.offset,
          [DEAD_LETTER_HEADERS.consumerGroup]: this.#options.groupId,
          [DEAD_LETTER_HEADERS.reason]: reason,
        },
      },
    ]);
  }
}
