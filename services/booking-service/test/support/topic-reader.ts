import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';

export interface ReadRecord {
  readonly topic: string;
  readonly key: string | null;
  readonly value: unknown;
  readonly partition: number;
}

/** Reads topics from the beginning into memory, for assertions on what was published. */
export class TopicReader {
  readonly records: ReadRecord[] = [];
  #consumer: Consumer;

  private constructor(consumer: Consumer) {
    this.#consumer = consumer;
  }

  static async start(kafka: Kafka, topics: readonly string[]): Promise<TopicReader> {
    const consumer = kafka.consumer({ groupId: `test-reader-${randomUUID()}` });
    const reader = new TopicReader(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        reader.records.push({
          topic,
          partition,
          key: message.key?.toString() ?? null,
          value: message.value ? JSON.parse(message.value.toString()) : null,
        });
      },
    });
    return reader;
  }

  async waitFor(predicate: (records: readonly ReadRecord[]) => boolean, timeoutMs = 15_000): Promise<ReadRecord[]> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.records)) {
      if (Date.now() > deadline) throw new Error(`records not seen in time; have ${JSON.stringify(this.records, null, 1)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return this.records;
  }

  stop(): Promise<void> {
    return this.#consumer.disconnect();
  }
}
