import { randomUUID } from 'node:crypto';
import { testKafkaBrokers } from '@rideline/test-support';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, expect, it } from 'vitest';
import { ConsumerLag, lagReadinessCheck } from '../src/index.ts';

const kafka = new Kafka({ clientId: `lag-test-${randomUUID().slice(0, 8)}`, brokers: testKafkaBrokers().split(','), logLevel: logLevel.NOTHING });
const admin = kafka.admin();
const topic = `test-lag-${randomUUID().slice(0, 8)}`;
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

it.each([
  ['a group that commits', true],
  ['a group of one that does not', false],
])(
  '%s: lag per partition; readiness fails naming the partition above the limit, and passes again once caught up',
  { timeout: 60_000 },
  async (_name, commits) => {
    await admin.connect();
    cleanups.push(() => admin.disconnect());
    await admin.createTopics({ topics: [{ topic: `${topic}-${commits}`, numPartitions: 2 }] });
    cleanups.push(() => admin.deleteTopics({ topics: [`${topic}-${commits}`] }));
    const name = `${topic}-${commits}`;
    const groupId = `lag-${randomUUID()}`;
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
    const lag = new ConsumerLag({ consumer, admin, group: groupId, topics: [name], commits });
    const ready = lagReadinessCheck(() => [lag], 5);
    await consumer.connect();
    cleanups.push(() => consumer.disconnect());
    await consumer.subscribe({ topic: name, fromBeginning: true });
    let processed = 0;
    await consumer.run({ eachMessage: async () => void processed++ });
    await until('joined', async () => {
      await lag.refresh();
      return lag.partitions.length === 2 ? true : undefined;
    });

    // Partition 0 falls 20 records behind while its reading is paused; partition 1 gets 3.
    consumer.pause([{ topic: name, partitions: [0] }]);
    const producer = kafka.producer();
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    await producer.send({ topic: name, messages: Array.from({ length: 20 }, (_, i) => ({ value: String(i), partition: 0 })) });
    await producer.send({ topic: name, messages: Array.from({ length: 3 }, (_, i) => ({ value: String(i), partition: 1 })) });
    await until('partition 1 read', async () => (processed >= 3 ? true : undefined));
    await lag.refresh();
    expect(lag.partitions.map((p) => [p.partition, p.lag]).sort()).toEqual([
      [0, 20],
      [1, 0],
    ]);
    await expect(ready()).rejects.toThrow(`20 records behind on ${name}[0] (${groupId}); more than 5`);

    consumer.resume([{ topic: name, partitions: [0] }]);
    await until('caught up', async () => {
      await lag.refresh();
      return lag.partitions.every((p) => p.lag === 0) ? true : undefined;
    });
    await expect(ready()).resolves.toBeUndefined();
  },
);
