import { randomUUID } from 'node:crypto';
import { TOPIC_IDS, TOPICS, type TopicNames } from '@rideline/contracts';
import { startKafkaRuntime, type KafkaRuntime } from '@rideline/kafka';
import { createLogger, listenOn, type Clock } from '@rideline/service-kit';
import { testKafkaBrokers } from '@rideline/test-support';
import type { FastifyBaseLogger } from 'fastify';
import { readGatewayConfig } from '../../src/config.ts';
import { startGatewaySystem, type GatewaySystem } from '../../src/gateway-system.ts';

/** How many partitions each test topic has. */
export const TEST_PARTITIONS = 3;

/** Topic names unique to one test file, so files never see each other's records. */
export function uniqueTopics(label: string): TopicNames {
  const run = randomUUID().slice(0, 8);
  return Object.fromEntries(TOPIC_IDS.map((id) => [id, `test-gw-${label}-${run}.${TOPICS[id].defaultName}`])) as TopicNames;
}

export function topicEnv(topics: TopicNames): Record<string, string> {
  return Object.fromEntries(TOPIC_IDS.map((id) => [TOPICS[id].envVar, topics[id]]));
}

export interface TestGateway extends GatewaySystem {
  /** `ws://127.0.0.1:<port>` */
  readonly wsBase: string;
  readonly httpBase: string;
}

/**
 * A gateway in this process, on a free port, against the test broker and the given topics;
 * `clock` (a ManualClock) drives its socket expiry, heartbeats and rate budgets, and `logger`,
 * when given, receives its logs (e.g. one whose calls a test inspects).
 */
export async function startTestGateway(
  topics: TopicNames,
  jwksUrl: string,
  env: Record<string, string> = {},
  clock?: Clock,
  logger?: FastifyBaseLogger,
): Promise<TestGateway> {
  const config = readGatewayConfig({
    KAFKA_BROKERS: testKafkaBrokers(),
    KAFKA_TOPIC_PARTITIONS: String(TEST_PARTITIONS),
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    AUTH_JWKS_URL: jwksUrl,
    SHUTDOWN_TIMEOUT_MS: '4000',
    ...topicEnv(topics),
    ...env,
  });
  const running = await startGatewaySystem(config, logger ?? createLogger('realtime-gateway', config.logLevel), clock);
  let address: string;
  try {
    address = await listenOn(running.app, config.host, config.port);
  } catch (error) {
    await running.close();
    throw error;
  }
  // Closing twice (a test, then its file's teardown) closes once.
  let closing: Promise<void> | undefined;
  return { ...running, close: () => (closing ??= running.close()), wsBase: address.replace(/^http/, 'ws'), httpBase: address };
}

/** Resolves once the gateway is ready (keys loaded, projection rebuilt). */
export async function untilReady(gateway: TestGateway, timeoutMs = 20_000): Promise<void> {
  await until(async () => (await fetch(`${gateway.httpBase}/health/ready`, { signal: AbortSignal.timeout(2_000) })).ok, timeoutMs, 'ready');
}

/** A producer for the test's topics (and an admin to clean them up). */
export async function startTestKafka(topics: TopicNames): Promise<KafkaRuntime> {
  return startKafkaRuntime({
    brokers: testKafkaBrokers().split(','),
    clientId: `test-gw-${randomUUID().slice(0, 8)}`,
    topics,
    topicPartitions: TEST_PARTITIONS,
    replicationFactor: 1,
    logger: createLogger('test', 'silent'),
  });
}

export async function deleteTopics(kafka: KafkaRuntime, topics: TopicNames): Promise<void> {
  await kafka.admin.deleteTopics({ topics: Object.values(topics) }).catch(() => {});
}

export async function until(predicate: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      // Bounded too: a probe that never settles (a fetch on a dead keep-alive socket) must end in
      // this error, not in the test's timeout with no word of what it was waiting for.
      if (await within(Math.max(deadline - Date.now(), 1), what, Promise.resolve(predicate()))) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** `promise`, or an error naming `what` once `ms` have passed. */
export async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: still pending after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The gateway's record of the open socket of `principalId`, if it has one. */
export function connectionOf(gateway: TestGateway, principalId: string) {
  return [...gateway.gateway.service.hub.connections()].find((connection) => connection.principalId === principalId);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
