import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getFreePort, startKafkaBroker, type RunningKafkaBroker } from '@rideline/dev-infra';
import { Kafka, logLevel } from 'kafkajs';
import { it } from 'vitest';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('probe', { timeout: 300_000 }, async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'probe-'));
  const [port, controllerPort] = [await getFreePort(), await getFreePort()];
  let broker: RunningKafkaBroker = await startKafkaBroker({ dataDir, port, controllerPort });
  const kafka = new Kafka({ clientId: 'probe', brokers: broker.brokers, logLevel: logLevel.INFO });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'probe', numPartitions: 3 }] });
  await admin.disconnect();
  const variants = [
    { name: 'default', cfg: {} },
    { name: 'session10', cfg: { sessionTimeout: 10_000, heartbeatInterval: 1_000 } },
    { name: 'session10-rebalance3', cfg: { sessionTimeout: 10_000, heartbeatInterval: 1_000, rebalanceTimeout: 3_000 } },
  ];
  const got: Record<string, number[]> = {};
  const consumers = [];
  for (const v of variants) {
    const c = kafka.consumer({ groupId: `probe-${v.name}-${randomUUID()}`, maxWaitTimeInMs: 500, ...v.cfg });
    got[v.name] = [];
    c.on(c.events.GROUP_JOIN, (e) => console.log(`${new Date().toISOString()} ${v.name} GROUP_JOIN ${e.payload.duration}ms`));
    c.on(c.events.CRASH, (e) => console.log(`${new Date().toISOString()} ${v.name} CRASH ${e.payload.error.message} restart=${e.payload.restart}`));
    await c.connect();
    await c.subscribe({ topic: 'probe', fromBeginning: true });
    await c.run({ eachMessage: async () => { got[v.name]!.push(Date.now()); } });
    consumers.push(c);
  }
  const producer = kafka.producer({ retry: { retries: 100 } });
  await producer.connect();
  let producing = true;
  const loop = (async () => { let i = 0; while (producing) { await producer.send({ topic: 'probe', messages: [{ key: String(i), value: String(i++) }] }).catch(() => {}); await sleep(200); } })();
  await sleep(5_000);
  console.log(`${new Date().toISOString()} KILL`);
  process.kill(broker.pid, 'SIGKILL');
  await broker.stop();
  await sleep(3_000);
  broker = await startKafkaBroker({ dataDir, port, controllerPort });
  const back = Date.now();
  console.log(`${new Date().toISOString()} BACK`);
  await sleep(70_000);
  for (const v of variants) console.log(`${v.name}: first record after back at +${(got[v.name]!.find((t) => t >= back) ?? NaN) - back} ms`);
  producing = false; await loop;
  await producer.disconnect();
  for (const c of consumers) await c.disconnect();
  await broker.stop();
  await rm(dataDir, { recursive: true, force: true });
});
