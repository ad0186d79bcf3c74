import { randomBytes, randomUUID } from 'node:crypto';
import { TOPIC_IDS, TOPICS } from '@rideline/contracts';
import { createScratchDatabase, type ScratchDatabase } from '@rideline/postgres/testing';
import { testKafkaBrokers } from '@rideline/test-support';
import { pino } from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { startBookingSystem } from '../../src/booking-system.ts';
import { readBookingConfig, type BookingConfig } from '../../src/config.ts';
import { BookingClient } from './http-client.ts';
import { OfferPublisher } from './offers.ts';

export interface TestBookingSystem {
  readonly system: Awaited<ReturnType<typeof startBookingSystem>>;
  readonly config: BookingConfig;
  readonly database: ScratchDatabase;
  close(): Promise<void>;
}

/**
 * booking-service as it runs in production (real database, real broker, relay and sweeper),
 * on a scratch database and topics of its own, so test files do not see each other's events.
 */
export async function startTestBookingSystem(env: Record<string, string> = {}): Promise<TestBookingSystem> {
  const database = await createScratchDatabase(undefined, 'rideline_booking_it');
  const run = randomUUID().slice(0, 8);
  const topicEnv = Object.fromEntries(TOPIC_IDS.map((id) => [TOPICS[id].envVar, `it-${run}.${TOPICS[id].defaultName}`]));
  const config = readBookingConfig({
    DATABASE_URL: database.databaseUrl,
    KAFKA_BROKERS: testKafkaBrokers(),
    KAFKA_TOPIC_PARTITIONS: '3',
    LOG_LEVEL: 'silent',
    // A group of its own: one group subscribed to different topics by parallel test files would
    // hand some members partitions of topics they do not read.
    BOOKING_OFFERS_CONSUMER_GROUP: `it-${run}.booking.offers`,
    // A key of this run's own: OTP notices open with running.config.lifecycle.otpNoticeKey.
    OTP_NOTICE_KEY: randomBytes(32).toString('base64url'),
    ...topicEnv,
    ...env,
  });
  const system = await startBookingSystem(config, pino({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent' }));
  return {
    system,
    config,
    database,
    async close() {
      await system.close();
      await database.drop();
    },
  };
}

/** What most booking-service test files run against: available inside their tests and hooks. */
export interface BookingSystemHarness {
  readonly running: TestBookingSystem;
  /** booking-service's HTTP API, through the running app. */
  readonly client: BookingClient;
  /** Publishes dispatch's offers onto the system's `dispatch.offers`. */
  readonly offers: OfferPublisher;
}

/**
 * startTestBookingSystem(env) as `beforeAll` of the calling file, closed in its `afterAll`, with
 * an HTTP client and an offer publisher for it.
 */
export function useTestBookingSystem(env: Record<string, string> = {}): BookingSystemHarness {
  let started: BookingSystemHarness | undefined;
  beforeAll(async () => {
    const running = await startTestBookingSystem(env);
    started = { running, client: new BookingClient(running.system.app), offers: new OfferPublisher(running.system.kafka.publisher) };
  });
  afterAll(() => started?.running.close());
  const get = (): BookingSystemHarness => {
    if (started === undefined) throw new Error('the booking system has not started (used outside a test?)');
    return started;
  };
  return {
    get running() {
      return get().running;
    },
    get client() {
      return get().client;
    },
    get offers() {
      return get().offers;
    },
  };
}
