import { keyPartitionEnd, lagReadinessCheck, startKafkaRuntime } from '@rideline/kafka';
import { registerConsumerLagGauge } from '@rideline/service-kit';
import type { FastifyBaseLogger } from 'fastify';
import { Counter, Histogram } from 'prom-client';
import { buildApp } from './app.ts';
import { ActiveBookings } from './bookings/active-bookings.ts';
import { BookingCommands } from './bookings/booking-commands.ts';
import { BookingQueries } from './bookings/booking-queries.ts';
import { BookingEventStore } from './bookings/event-store.ts';
import { ExpirySweeper } from './bookings/expiry-sweeper.ts';
import { otpNoticeSeal } from './bookings/messages.ts';
import { OtpHasher } from './bookings/otp.ts';
import { configuredOrStoredSecret } from './bookings/service-secret.ts';
import type { BookingConfig } from './config.ts';
import { createPrismaClient } from './db/client.ts';
import { prepareDatabase } from './db/migrate.ts';
import { databaseReadinessCheck } from './db/readiness.ts';
import { loadSigningKeys } from './identity/index.ts';
import { OfferConsumer } from './offers/offer-consumer.ts';
import { OfferGate } from './offers/offer-gate.ts';
import { OfferStore } from './offers/offer-store.ts';
import { OutboxRelay } from './outbox/outbox-relay.ts';

/**
 * Everything booking-service runs, wired: database (migrated), Kafka, the HTTP app, the outbox
 * relay and the expiry sweeper. `main.ts` listens on it; integration tests start it on port 0.
 * `close()` stops in order: stop accepting and drain requests, stop sweeping, flush the
 * outbox, then disconnect.
 */
export async function startBookingSystem(config: BookingConfig, logger: FastifyBaseLogger) {
  const applied = await prepareDatabase(config.databaseUrl, { logger });
  if (applied.length > 0) logger.info({ migrations: applied }, 'applied migrations');
  const prisma = createPrismaClient(config.databaseUrl, { poolMax: config.databasePoolSize });
  const closeables: (() => Promise<unknown>)[] = [() => prisma.$disconnect()];
  const closeAll = async () => {
    for (const close of closeables.reverse()) await close().catch(() => {});
  };
  try {
    const keys = await loadSigningKeys(prisma, config.identity, logger);
    const secret = await configuredOrStoredSecret(prisma, 'otp_secret', config.lifecycle.otpSecret, logger);
    const kafka = await startKafkaRuntime({
      ...config.kafka,
      clientId: `${config.kafka.clientId}-booking`,
      topics: config.topics,
      logger,
    });
    closeables.push(() => kafka.close());

    const sealer = otpNoticeSeal(config.lifecycle.otpNoticeKey, logger);
    const relay = new OutboxRelay({ databaseUrl: config.databaseUrl, publisher: kafka.publisher, logger });
    const store = new BookingEventStore(prisma);
    const offerStore = new OfferStore(prisma);
    const offers = new OfferGate({
      store: offerStore,
      topic: config.topics.dispatchOffers,
      partitionEnd: (driverId) => keyPartitionEnd(kafka.admin, config.topics.dispatchOffers, driverId),
      timeoutMs: config.lifecycle.offerSyncTimeoutMs,
    });
    const offerConsumer = new OfferConsumer({
      kafka: kafka.kafka,
      admin: kafka.admin,
      names: config.topics,
      groupId: config.lifecycle.offersConsumerGroup,
      store: offerStore,
      deadLetter: kafka.publisher,
      logger,
    });
    const commands = new BookingCommands({
      store,
      topics: config.topics,
      sealer,
      relay,
      active: new ActiveBookings(prisma),
      offers,
      riderActiveBookingLimit: config.lifecycle.riderMaxActiveBookings,
    });
    const queries = new BookingQueries(prisma);
    const now = () => new Date();
    const sweeper = new ExpirySweeper({ queries, commands, intervalMs: config.lifecycle.expirySweepIntervalMs, now, logger });

    const { app, metrics } = await buildApp({
      logger,
      prisma,
      keys,
      identity: config.identity,
      revocations: { topic: config.topics.identityRevocations, wake: relay },
      bookings: {
        commands,
        queries,
        otp: new OtpHasher(secret),
        tariff: config.lifecycle.tariff,
        pendingTimeoutSeconds: config.lifecycle.pendingTimeoutSeconds,
        now,
      },
      ops: { history: (bookingId) => store.load(bookingId) },
      // Down too while the offers reader rejoins its group after a broker outage: accepts wait on it.
      kafkaReady: async () => {
        await kafka.ready();
        if (!offerConsumer.live) throw new Error('not consuming: the offers reader is joining its group');
      },
      databaseReady: databaseReadinessCheck(prisma),
      cors: { allowedOrigins: config.corsAllowedOrigins },
      lagReady: lagReadinessCheck(() => [offerConsumer.lag], config.kafka.readyMaxLag),
    });
    registerConsumerLagGauge(metrics, () => offerConsumer.lag.partitions);
    const outboxWait = new Histogram({
      name: 'outbox_wait_seconds',
      help: 'Time from the oldest row of a published batch being written to the broker acknowledging it',
      buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5, 30],
      registers: [metrics],
    });
    relay.onPublished = (_count, oldest) => outboxWait.observe((Date.now() - oldest.getTime()) / 1000);
    const offerChecks = new Counter({
      name: 'booking_offer_checks_total',
      help: 'Accepts checked against dispatch offers, by outcome (known, waited_offered, not_offered, lagging)',
      labelNames: ['outcome'],
      registers: [metrics],
    });
    offers.onChecked = (outcome) => offerChecks.inc({ outcome });
    relay.start();
    sweeper.start();
    closeables.push(() => relay.stop());
    closeables.push(() => sweeper.stop());
    await offerConsumer.start();
    closeables.push(() => offerConsumer.stop());
    closeables.push(() => app.close());
    return { app, relay, sweeper, offerConsumer, prisma, kafka, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
