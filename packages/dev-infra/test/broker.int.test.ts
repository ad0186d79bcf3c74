/**
 * startKafkaBroker itself: start, stop, restart on the same data dir (no re-format), and the
 * errors it gives when the broker cannot start.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getFreePort, isKafkaReachable, kafkaBrokerFiles, startKafkaBroker } from '../src/kafka/broker.ts';
import { ensureKafkaDistribution } from '../src/kafka/distribution.ts';
import { isProcessAlive } from '../src/kafka/java.ts';

async function freePorts(): Promise<[number, number]> {
  const port = await getFreePort();
  let controllerPort = await getFreePort();
  while (controllerPort === port) controllerPort = await getFreePort();
  return [port, controllerPort];
}

describe('startKafkaBroker', () => {
  const dirs: string[] = [];
  const tempDir = async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'rideline-kafka-broker-'));
    dirs.push(dir);
    return dir;
  };

  beforeAll(async () => {
    await ensureKafkaDistribution({ log: (m) => process.stderr.write(`[broker-test] ${m}\n`) });
  }, 600_000);

  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('starts, stops, and restarts on the same data dir without formatting it again', async () => {
    const dataDir = await tempDir();
    const [port, controllerPort] = await freePorts();
    const messages: string[] = [];
    const log = (m: string) => messages.push(m);

    const first = await startKafkaBroker({ port, controllerPort, dataDir, log });
    expect(first.brokers).toEqual([`127.0.0.1:${port}`]);
    expect(isProcessAlive(first.pid)).toBe(true);
    expect(await isKafkaReachable(first.brokers)).toBe(true);
    expect(messages.some((m) => m.startsWith('Formatting'))).toBe(true);
    const clusterId = /cluster\.id=(\S+)/.exec(await readFile(path.join(kafkaBrokerFiles(dataDir).kraftDir, 'meta.properties'), 'utf8'))?.[1];
    expect(clusterId).toBeTruthy();
    await first.stop();
    await first.stop(); // twice is fine
    expect(isProcessAlive(first.pid)).toBe(false);
    expect(await isKafkaReachable(first.brokers, { timeoutMs: 2_000 })).toBe(false);
    expect(existsSync(first.logFile)).toBe(true);

    messages.length = 0;
    // Controller port defaults to the one the data dir was formatted with.
    const second = await startKafkaBroker({ port, dataDir, log });
    try {
      expect(messages.some((m) => m.startsWith('Formatting'))).toBe(false);
      const meta = await readFile(path.join(kafkaBrokerFiles(dataDir).kraftDir, 'meta.properties'), 'utf8');
      expect(meta).toContain(`cluster.id=${clusterId}`);
      expect(await isKafkaReachable(second.brokers)).toBe(true);
    } finally {
      await second.stop();
    }
  }, 240_000);

  it('fails with the tail of the broker log when the broker exits during start-up', async () => {
    const dataDir = await tempDir();
    const [port, controllerPort] = await freePorts();
    const error = await startKafkaBroker({
      port,
      controllerPort,
      dataDir,
      heapOpts: '-Xms1m -Xmx1m', // the JVM refuses to start
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/exited during start-up \(exit code [1-9]/);
    expect((error as Error).message).toMatch(/kafka\.out ---[\s\S]*heap/i);
  }, 120_000);

  it('fails with the storage tool output when the config is invalid', async () => {
    const dataDir = await tempDir();
    const [port, controllerPort] = await freePorts();
    await expect(startKafkaBroker({ port, controllerPort, dataDir, properties: { 'num.io.threads': 'not-a-number' } })).rejects.toThrow(
      /kafka-storage format failed[\s\S]*num\.io\.threads/,
    );
  }, 60_000);

  it('refuses a port that is already taken', async () => {
    const dataDir = await tempDir();
    const [port, controllerPort] = await freePorts();
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      await expect(startKafkaBroker({ port, controllerPort, dataDir })).rejects.toThrow(/already in use/);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  }, 60_000);
});
