import { randomUUID } from 'node:crypto';
import type { Consumer, IHeaders, Kafka } from 'kafkajs';

export interface ReadRecord {
  readonly topic: string;
  readonly partition: number;
  readonly key: string | null;
  /** The parsed JSON value, or the raw text when it is not JSON. */
  readonly value: unknown;
  readonly headers: Readonly<Record<string, string>>;
}

/** Reads topics from the beginning into memory, for assertions on what was published. */
export class TopicReader {
  readonly records: ReadRecord[] = [];
  #consumer: Consumer;

  private constructor(consumer: Consumer) {
    this.#consumer = consumer;
  }

  static async start(kafka: Kafka, topics: readonly string[]): Promise<TopicReader> {
    const consumer = kafka.consumer({ groupId: `test-reader-${randomUUID()}`, maxWaitTimeInMs: 200 });
    const reader = new TopicReader(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        const text = message.value?.toString() ?? null;
        reader.records.push({ topic, partition, key: message.key?.toString() ?? null, value: parse(text), headers: headerText(message.headers) });
      },
    });
    return reader;
  }

  /** The records read, once `predicate` holds for them. */
  waitFor(predicate: (records: readonly ReadRecord[]) => unknown, timeoutMs?: number): Promise<ReadRecord[]> {
    return this.find((records) => (predicate(records) ? this.records : undefined), timeoutMs);
  }

  /** What `find` answers once it answers something (neither undefined nor false). */
  async find<T>(find: (records: readonly ReadRecord[]) => T | undefined | false, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find(this.records);
      if (found !== undefined && found !== false) return found;
      if (Date.now() > deadline) throw new Error(`records not seen in time; have ${JSON.stringify(this.records.slice(-20), null, 1)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  stop(): Promise<void> {
    return this.#consumer.disconnect();
  }
}

function parse(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function headerText(headers: IHeaders | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name, String(value)]));
}
