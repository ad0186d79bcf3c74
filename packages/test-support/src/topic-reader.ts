import { randomUUID } from 'node:crypto';

export interface ReadRecord {
  readonly topic: string;
  readonly partition: number;
  readonly key: string | null;
  /** The parsed JSON value, or the raw text when it is not JSON. */
  readonly value: unknown;
  readonly headers: Readonly<Record<string, string>>;
}

/** Record headers as kafkajs hands them over. */
type Headers = Readonly<Record<string, Buffer | string | (Buffer | string)[] | undefined>>;

/** A consumer of a kafkajs client, as far as the reader uses one. */
interface Consumer {
  connect(): Promise<void>;
  subscribe(subscription: { topics: string[]; fromBeginning: boolean }): Promise<void>;
  run(config: {
    autoCommit: boolean;
    eachMessage: (payload: { topic: string; partition: number; message: { key: Buffer | null; value: Buffer | null; headers?: Headers } }) => Promise<void>;
  }): Promise<void>;
  disconnect(): Promise<void>;
}

/**
 * A kafkajs client (`Kafka`), as far as the reader uses one: declared here rather than imported,
 * since only packages/kafka and dev-infra import kafkajs (packages/kafka's seam test).
 */
export interface KafkaClient {
  consumer(config: { groupId: string; maxWaitTimeInMs: number }): Consumer;
}

/** Reads topics from the beginning into memory, for assertions on what was published. */
export class TopicReader {
  readonly records: ReadRecord[] = [];
  #consumer: Consumer;

  private constructor(consumer: Consumer) {
    this.#consumer = consumer;
  }

  static async start(kafka: KafkaClient, topics: readonly string[]): Promise<TopicReader> {
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

function headerText(headers: Headers | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name, String(value)]));
}
