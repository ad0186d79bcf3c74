import { JwksKeys } from '@rideline/auth';
import { lagReadinessCheck, startKafkaRuntime, type TopicConsumer } from '@rideline/kafka';
import { registerConsumerLagGauge, registerKafkaRequestCounters, systemClock, type Clock } from '@rideline/service-kit';
import type { FastifyBaseLogger } from 'fastify';
import { buildApp } from './app.ts';
import type { DispatchConfig } from './config.ts';
import { DispatchState, type OfferPolicy } from './domain/index.ts';
import { DriverIntake } from './drivers/intake.ts';
import { DriverStateRepublisher } from './drivers/state-republisher.ts';
import { Activation } from './kafka/activation.ts';
import { groupMember, stateConsumer, type StateTopic } from './kafka/consumers.ts';
import { Ownership, type OwnedTopic } from './kafka/ownership.ts';
import { routeRecord, type RecordRoutes } from './kafka/record-routing.ts';
import { dispatchMetrics } from './metrics.ts';
import { Dispatcher } from './offers/dispatcher.ts';

export interface DispatchSystemOptions {
  /** Time, and the offer rounds' timers (default: the system clock). */
  readonly clock?: Clock;
}

/** How often stale drivers leave the geo index and finished bookings are forgotten. */
const HOUSEKEEPING_INTERVAL_MS = 5_000;
/** A booking is forgotten this long after its expiry and last round (late events then find nothing to revoke). */
const BOOKING_RETENTION_MS = 15 * 60_000;

/**
 * Everything dispatch-service runs, wired: the broker, booking-service's keys (loaded in the
 * background), the state rebuilt from the topics, this instance's share of the group, the
 * dispatcher and the HTTP app. `main.ts` listens on it; integration tests start it on port 0.
 */
export async function startDispatchSystem(config: DispatchConfig, logger: FastifyBaseLogger, options: DispatchSystemOptions = {}) {
  const clock = options.clock ?? systemClock;
  const now = () => clock.now();
  const kafka = await startKafkaRuntime({ ...config.kafka, clientId: `${config.kafka.clientId}-dispatch`, topics: config.topics, logger });
  const closers: { readonly name: string; readonly close: () => Promise<unknown> }[] = [{ name: 'kafka', close: () => kafka.close() }];
  const close = async () => {
    // Reverse order of set-up: HTTP first, then decisions, the group (commit), the state, the producer.
    for (const closer of closers.splice(0).reverse()) {
      const started = Date.now();
      await closer.close().catch((error: unknown) => logger.warn({ err: error, part: closer.name }, 'error while closing'));
      logger.debug({ part: closer.name, ms: Date.now() - started }, 'closed');
    }
  };
  try {
    const keys = new JwksKeys({ url: config.jwksUrl, logger });
    keys.start();
    closers.push({ name: 'signing keys', close: async () => keys.stop() });

    const state = new DispatchState({ stalenessMs: config.driverStaleMs });
    const ownership = new Ownership();
    const policy: OfferPolicy = { ...config.matching };
    const publish = (records: Parameters<typeof kafka.publisher.publish>[0]) => kafka.publisher.publish(records);
    const intake = new DriverIntake({ state, publish, now });
    let stateReader: TopicConsumer<StateTopic> | undefined;
    let member: TopicConsumer<OwnedTopic> | undefined;

    const { app, metrics: registry } = await buildApp({
      logger,
      cors: { allowedOrigins: config.corsAllowedOrigins },
      readiness: {
        kafka: kafka.ready,
        auth: keys.ready,
        // Not the group assignment: every rebalance would make every instance unready at once.
        // The consumers rejoining after the broker came back: nothing read is acted on meanwhile.
        feed: async () => {
          if (!stateReader?.live) throw new Error('not consuming: the state consumer is joining its group');
          if (!member?.live) throw new Error('not consuming: the dispatch group member is joining its group');
        },
        lag: lagReadinessCheck(() => [stateReader?.lag, member?.lag].filter((l) => l !== undefined), config.kafka.readyMaxLag),
        state: async () => {
          if (!stateReader?.caughtUp) throw new Error(`replaying the topics (${stateReader?.replaying.length ?? 'all'} partitions to go)`);
        },
      },
      keys,
      drivers: {
        report: async (driverId, report) => {
          await intake.report(driverId, report);
          if ('location' in report) metrics.locationUpdates.inc({ source: 'http' });
        },
        nearby: (lat, lng, radiusM, limit) => state.drivers.nearestCoarse(lat, lng, now(), { radiusM, limit }),
        defaultRadiusM: config.matching.radiusM,
        nearbyPerMinute: config.nearbyPerMinute,
      },
    });
    const metrics = dispatchMetrics(registry, state);
    registerConsumerLagGauge(registry, () => [stateReader, member].flatMap((c) => c?.lag.partitions ?? []));
    registerKafkaRequestCounters(registry, () => kafka.requests.samples());

    const dispatcher = new Dispatcher({
      state,
      publish,
      policy,
      owns: (partition) => ownership.owns('bookingEvents', partition),
      clock,
      logger,
      onPublished: (messages) => metrics.published(messages),
    });
    const republisher = new DriverStateRepublisher({
      drivers: state.drivers,
      publish,
      owns: (partition) => ownership.owns('driverLocations', partition),
      intervalMs: config.stateCheckpointMs,
      refreshAfterMs: config.availabilityRefreshMs,
      now,
      logger,
      onRepublished: (count) => metrics.statesRepublished.inc(count),
    });

    // Acting needs the whole state and a share of the group; each new share is reviewed whole.
    const activation = new Activation({ caughtUp: () => stateReader?.caughtUp ?? false, ownership, dispatcher, republisher });
    const routes: RecordRoutes = {
      fold: (record) => state.fold(record),
      observeDriverLocation: (message, partition) => republisher.observe(message, partition),
      countLocationUpdates: (count) => metrics.locationUpdates.inc({ source: 'topic' }, count),
      caughtUp: () => stateReader?.caughtUp ?? false,
      review: (bookingId) => dispatcher.review(bookingId),
    };
    const reader = stateConsumer({
      runtime: kafka,
      groupId: config.consumerGroup,
      logger,
      onRecord: (record) => routeRecord(record, routes),
      onUndecodable: (topic) => metrics.skippedRecords.inc({ topic: config.topics[topic] }),
    });
    stateReader = reader;
    void reader.whenCaughtUp().then(() => activation.check());
    member = groupMember({
      runtime: kafka,
      groupId: config.consumerGroup,
      logger,
      ownership,
      onAssigned: () => activation.check(),
      onDeadLettered: (parked) => metrics.deadLettered(parked),
    });
    const housekeeping = setInterval(() => {
      state.drivers.evictStale(now());
      dispatcher.forget(state.offers.prune(now(), BOOKING_RETENTION_MS));
    }, HOUSEKEEPING_INTERVAL_MS);
    housekeeping.unref();

    const started = stateReader;
    // The group member commits and leaves; the state consumer has nothing to commit.
    const joined = member;
    closers.push({ name: 'consumers', close: () => Promise.all([joined.stop(), started.stop()]) });
    closers.push({ name: 'state republisher', close: () => republisher.stop() });
    closers.push({ name: 'dispatcher', close: () => dispatcher.stop() });
    closers.push({ name: 'housekeeping', close: async () => clearInterval(housekeeping) });
    closers.push({ name: 'http', close: () => app.close() });

    await stateReader.start();
    await member.start();
    republisher.start();
    return {
      app,
      config,
      kafka,
      state,
      dispatcher,
      republisher,
      ownership,
      /** Resolves once the state is rebuilt and the instance has its share of the group. */
      whenActive: () => activation.whenActive(),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

export type DispatchSystem = Awaited<ReturnType<typeof startDispatchSystem>>;
