import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getFreePort, startKafkaBroker } from '../../src/kafka/broker.ts';
import type { RunningKafkaBroker } from '../../src/kafka/broker.ts';

export interface TestKafka {
  brokers: string[];
  /** The broker this test started (undefined when KAFKA_BROKERS pointed at one). */
  broker: RunningKafkaBroker | undefined;
  close(): Promise<void>;
}

/**
 * The broker at `$KAFKA_BROKERS` if set; else a fresh one in a temp dir on free ports, stopped and
 * deleted by close().
 */
export async function useTestKafka(): Promise<TestKafka> {
  const fromEnv = process.env['KAFKA_BROKERS']?.trim();
  if (fromEnv) {
    const brokers = fromEnv
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean);
    return { brokers, broker: undefined, close: async () => undefined };
  }
  const dataDir = await mkdtemp(path.join(tmpdir(), 'rideline-kafka-test-'));
  const port = await getFreePort();
  let controllerPort = await getFreePort();
  while (controllerPort === port) controllerPort = await getFreePort();
  try {
    const broker = await startKafkaBroker({
      port,
      controllerPort,
      dataDir,
      log: (message) => process.stderr.write(`[test-kafka] ${message}\n`),
    });
    return {
      brokers: broker.brokers,
      broker,
      close: async () => {
        await broker.stop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** A name unique to this run, for topics and groups on a shared broker. */
export function uniqueName(prefix: string): string {
  return `${prefix}.${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Poll `check` until it returns true (or throw with `what` after `timeoutMs`). */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
