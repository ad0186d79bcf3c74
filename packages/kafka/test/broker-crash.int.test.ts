import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getFreePort, startKafkaBroker, type RunningKafkaBroker } from '@rideline/dev-infra';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { afterAll, expect, it } from 'vitest';
import { GROUP_TIMING, GroupLiveness } from '../src/index.ts';

/**
 * A private broker (never the shared one) killed with SIGKILL while consumers read, then started
 * again on the same data: kafkajs rejoins as new members while the group still lists the dead
 * ones, and GROUP_TIMING bounds how long the coordinator holds the join for them.
 */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

it('after a SIGKILL of the broker, a group of one and a shared group deliver again within 5 s of it answering; liveness is down from the crash until they rejoin', { timeout: 180_000 }, async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'rideline-kafka-crash-'));
  await chmod(dataDir, 0o755);
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const [port, controllerPort] = [await getFreePort(), await getFreePort()];
  let broker: RunningKafkaBroker = await startKafkaBroker({ dataDir, port, controllerPort });
  cleanups.push(() => broker.stop());
  const kafka = new Kafka({ clientId: 'crash-test', brokers: broker.brokers, logLevel: logLevel.NOTHING });
  const topic = `crash-${randomUUID().slice(0, 8)}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
  await admin.disconnect();

  // Delivery times per reader; the shared group's two members count as one reader.
  const deliveries = new Map<string, number[]>([['solo', []], ['shared', []]]);
  const readers: Array<{ name: string; consumer: Consumer; liveness: GroupLiveness }> = [];
  const start = async (name: string, groupId: string) => {
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 500, ...GROUP_TIMING });
    const liveness = new GroupLiveness(consumer);
    cleanups.push(() => consumer.disconnect());
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async () => void deliveries.get(name)!.push(Date.now()) });
    readers.push({ name, consumer, liveness });
  };
  await start('solo', `solo-${randomUUID()}`);
  const sharedGroup = `shared-${randomUUID()}`;
  await start('shared', sharedGroup);
  await start('shared', sharedGroup);

  const producer = kafka.producer({ retry: { retries: 1_000, maxRetryTime: 1_000 } });
  await producer.connect();
  cleanups.push(() => producer.disconnect());
  let producing = true;
  const produce = (async () => {
    for (let i = 0; producing; i++) {
      await producer.send({ topic, messages: [{ key: String(i % 7), value: String(i) }] }).catch(() => undefined);
      await sleep(100);
    }
  })();
  const waitUntil = async (what: string, predicate: () => boolean, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
      await sleep(50);
    }
  };
  await waitUntil('all live', () => readers.every((r) => r.liveness.live), 30_000);
  await sleep(2_000);

  process.kill(broker.pid, 'SIGKILL');
  await broker.stop();
  await waitUntil('a crash seen', () => readers.every((r) => !r.liveness.live), 30_000);
  broker = await startKafkaBroker({ dataDir, port, controllerPort });
  const backAt = Date.now();

  await waitUntil('deliveries resume', () => [...deliveries.values()].every((times) => times.some((t) => t >= backAt)), 60_000);
  const resumedMs = Object.fromEntries([...deliveries].map(([name, times]) => [name, times.find((t) => t >= backAt)! - backAt]));
  await waitUntil('all live again', () => readers.every((r) => r.liveness.live), 10_000);
  console.info(`first delivery after the broker answered again: ${JSON.stringify(resumedMs)} ms`);
  producing = false;
  await produce;
  expect(resumedMs['solo']).toBeLessThanOrEqual(5_000);
  expect(resumedMs['shared']).toBeLessThanOrEqual(5_000);
});
