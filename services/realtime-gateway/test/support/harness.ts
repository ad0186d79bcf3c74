import type { TopicNames } from '@rideline/contracts';
import type { KafkaRuntime } from '@rideline/kafka';
import type { Clock } from '@rideline/service-kit';
import type { FastifyBaseLogger } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { deleteTopics, startTestGateway, startTestKafka, uniqueTopics, untilReady, type TestGateway } from './gateway.ts';
import { startTestIssuer, type TestIssuer } from './jwks-server.ts';

export interface GatewayHarnessOptions {
  /** Each entry starts one gateway with that environment (on top of startTestGateway's); default one gateway. */
  readonly gateways?: readonly Record<string, string>[];
  /** The gateways' and the issuer's time (a ManualClock), when the test drives it. */
  readonly clock?: Clock;
  /** Receives the gateways' logs. */
  readonly logger?: FastifyBaseLogger;
  /** Runs once the broker is up, before any gateway starts: records a gateway must find when it starts. */
  readonly beforeGateways?: (kafka: KafkaRuntime, topics: TopicNames) => Promise<void>;
}

/** What one test file runs against: available inside its tests and hooks. */
export interface GatewayHarness {
  readonly topics: TopicNames;
  /** booking-service's JWKS and token mint. */
  readonly issuer: TestIssuer;
  /** A producer for the file's topics. */
  readonly kafka: KafkaRuntime;
  /** The first gateway `gateways` asked for. */
  readonly gateway: TestGateway;
  /** The gateways `gateways` asked for, in its order, each ready. */
  readonly gateways: readonly TestGateway[];
  /** Starts one more gateway on the file's topics (not awaited ready); closed with the others. */
  startGateway(env?: Record<string, string>): Promise<TestGateway>;
}

/**
 * The setup every gateway test file shares, as `beforeAll`/`afterAll` of the calling file: an
 * issuer, a producer on topics of the file's own (`label`), and the gateways, each ready. After
 * the file, every gateway is closed (a test may close one first), the topics deleted, the
 * producer and the issuer stopped; a gateway that failed to close fails the file.
 */
export function useGatewayHarness(label: string, options: GatewayHarnessOptions = {}): GatewayHarness {
  const topics = uniqueTopics(label);
  let issuer: TestIssuer | undefined;
  let kafka: KafkaRuntime | undefined;
  let gateways: TestGateway[] = [];
  /** Every gateway started, so that one still starting when a hook times out is closed too. */
  const started: Promise<TestGateway>[] = [];

  const startGateway = (env: Record<string, string> = {}): Promise<TestGateway> => {
    const starting = startTestGateway(topics, required(issuer, 'issuer').url, env, options.clock, options.logger);
    started.push(starting);
    return starting;
  };

  beforeAll(async () => {
    issuer = await startTestIssuer(options.clock === undefined ? {} : { clock: options.clock });
    kafka = await startTestKafka(topics);
    await options.beforeGateways?.(kafka, topics);
    gateways = await Promise.all((options.gateways ?? [{}]).map((env) => startGateway(env)));
    await Promise.all(gateways.map((gateway) => untilReady(gateway)));
  });

  afterAll(async () => {
    const closed = await Promise.allSettled(started.map(async (starting) => (await starting).close()));
    if (kafka) await deleteTopics(kafka, topics);
    await kafka?.close();
    await issuer?.close();
    const failed = closed.find((outcome) => outcome.status === 'rejected');
    if (failed?.status === 'rejected') throw failed.reason;
  });

  return {
    topics,
    get issuer() {
      return required(issuer, 'issuer');
    },
    get kafka() {
      return required(kafka, 'kafka');
    },
    get gateway() {
      return required(gateways[0], 'gateway');
    },
    get gateways() {
      return gateways;
    },
    startGateway,
  };
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`the gateway harness has no ${what} (not started, or used outside a test)`);
  return value;
}
