import { lagReadinessCheck, startKafkaRuntime } from '@rideline/kafka';
import { registerConsumerLagGauge, registerKafkaRequestCounters } from '@rideline/service-kit';
import type { FastifyBaseLogger } from 'fastify';
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
import { bookingMetrics } from './metrics.ts';
import { OfferArrivals } from './offers/offer-arrivals.ts';
import { OfferConsumer } from './offers/offer-consumer.ts';
import { OfferGate } from './offers/offer-gate.ts';
import { OfferStore } from './offers/offer-store.ts';
import { readOutboxBacklog } from './outbox/outbox-backlog.ts';
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
    const store = new BookingEventStore(prisma, config.topics);
    const offerStore = new OfferStore(prisma);
    const arrivals = new OfferArrivals();
    const offerConsumer = new OfferConsumer({
      runtime: kafka,
      groupId: config.lifecycle.offersConsumerGroup,
      store: offerStore,
      arrivals,
      logger,
      onDeadLettered: (parked) => metrics.deadLettered(parked),
    });
    const offers = new OfferGate({
      store: offerStore,
      topic: config.topics.dispatchOffers,
      partitionEnd: (driverId) => kafka.partitionEnd(config.topics.dispatchOffers, driverId),
      timeoutMs: config.lifecycle.offerSyncTimeoutMs,
      arrivals,
      readsPartition: (partition) => offerConsumer.reads(partition),
    });
    const commands = new BookingCommands({
      store,
      sealer,
      relay,
      active: new ActiveBookings(prisma),
      offers,
      riderActiveBookingLimit: config.lifecycle.riderMaxActiveBookings,
      onCommitted: (events) => metrics.committed(events),
    });
    const queries = new BookingQueries(prisma);
    const now = () => new Date();
    const sweeper = new ExpirySweeper({ queries, commands, intervalMs: config.lifecycle.expirySweepIntervalMs, now, logger });

    const { app, metrics: registry } = await buildApp({
      logger,
      prisma,
      keys,
      identity: config.identity,
      revocations: { topics: config.topics, wake: relay },
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
    registerConsumerLagGauge(registry, () => offerConsumer.lag.partitions);
    registerKafkaRequestCounters(registry, () => kafka.requests.samples());
    // Built with the app's registry, after the parts that count into it: none of them runs before the start below.
    const metrics = bookingMetrics(registry, { outboxBacklog: () => readOutboxBacklog(prisma) });
    relay.onPublished = (createdAts) => metrics.outboxPublished(createdAts);
    offers.onChecked = (outcome) => metrics.offerChecked(outcome);
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
