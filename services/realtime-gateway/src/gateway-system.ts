import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { JwksKeys, NoticeSeal } from '@rideline/auth';
import { lagReadinessCheck, startKafkaRuntime, TopicConsumer, type KafkaRuntime } from '@rideline/kafka';
import { every, systemClock, type Clock } from '@rideline/service-kit';
import type { FastifyBaseLogger } from 'fastify';
import { buildApp, type GatewayApp } from './app.ts';
import { usesDevelopmentNoticeKey, type GatewayConfig } from './config.ts';
import { BOOKING_FEED_TOPICS, OPS_FEED_TOPICS, REVOCATION_FEED_TOPICS, type BookingFeedTopic } from './feed/feed-topics.ts';
import { LocationPublisher } from './feed/location-publisher.ts';
import { openOtpNotice } from './feed/otp-notices.ts';

export interface GatewaySystem {
  /** The Fastify app, not yet listening (`serve` in main.ts, or a test, listens on it). */
  readonly app: GatewayApp['app'];
  readonly gateway: GatewayApp;
  readonly kafka: KafkaRuntime;
  readonly feed: TopicConsumer<BookingFeedTopic>;
  readonly revocationFeed: TopicConsumer<'identityRevocations'>;
  /** Stops accepting, closes every socket with 1001, leaves the consumer group, flushes locations. */
  close(): Promise<void>;
}

const EVICTION_INTERVAL_MS = 60_000;
/**
 * Revocations are read from the longest access-token lifetime ago, plus this margin for clock
 * skew between booking-service (`revoked_at`, record time) and the tokens' `iat`: an older record
 * can only name tokens that have all expired.
 */
const REVOCATION_LOOKBACK_MARGIN_MS = 60_000;

/**
 * The whole gateway against a real broker: Kafka runtime, keys (loaded in the background),
 * the app, the feed that rebuilds the projection and then keeps it live, and the periodic
 * eviction of what is older than the retention window. `main.ts` listens on it; integration
 * tests start it on port 0.
 */
export async function startGatewaySystem(config: GatewayConfig, logger: FastifyBaseLogger, clock: Clock = systemClock): Promise<GatewaySystem> {
  const kafka = await startKafkaRuntime({
    ...config.kafka,
    clientId: `${config.kafka.clientId}-gateway`,
    topics: config.topics,
    logger,
  });
  const keys = new JwksKeys({ url: config.auth.jwksUrl, logger });
  keys.start();
  const stopKeys = () => keys.stop();
  if (usesDevelopmentNoticeKey(config)) {
    logger.warn({}, 'OTP_NOTICE_KEY is not set: opening OTP notices with the public development key, which protects nothing');
  }
  const seal = new NoticeSeal(config.notices.otpKey);
  let feed: TopicConsumer<BookingFeedTopic> | undefined;
  let revocationFeed: TopicConsumer<'identityRevocations'> | undefined;
  const locations = new LocationPublisher({
    publish: (records) => kafka.publisher.publish(records),
    lingerMs: config.locations.lingerMs,
    logger,
    onPublished: (outcome, count) => gateway.metrics.locationsPublished.inc({ outcome }, count),
  });
  const gateway = await buildApp({
    logger,
    kafkaReady: kafka.ready,
    keys,
    clock,
    locations,
    projectionReady: () => feed?.caughtUp ?? false,
    feedLive: () => (feed?.live ?? false) && (revocationFeed?.live ?? false),
    lagSamples: () => [feed, revocationFeed].flatMap((f) => f?.lag.partitions ?? []),
    kafkaRequests: () => kafka.requests.samples(),
    lagReady: lagReadinessCheck(() => [feed?.lag, revocationFeed?.lag].filter((l) => l !== undefined), config.kafka.readyMaxLag),
    revocationsReady: () => revocationFeed?.caughtUp ?? false,
    openNotice: (notice) => openOtpNotice(seal, notice),
    sockets: config.sockets,
    shutdownDeadlineMs: Math.max(100, Math.floor(config.shutdownTimeoutMs / 2)),
    cors: { allowedOrigins: config.corsAllowedOrigins },
    ops: config.ops,
  });
  const groupId = `${config.kafka.clientId}-gateway-${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const onUndecodable = ({ topic }: { readonly topic: string }) => gateway.metrics.records.inc({ topic, outcome: 'undecodable' });
  // Every instance reads every partition (any event may be owed to a socket open here) and
  // rebuilds its projection by replaying at every start: a replay group of its own per start,
  // logging and skipping undecodable records (N instances replaying would park them again and again).
  feed = new TopicConsumer({
    runtime: kafka,
    // With the operator stream on, the same feed reads driver.locations too (see OPS_STREAM_ENABLED).
    topics: config.ops.enabled ? OPS_FEED_TOPICS : BOOKING_FEED_TOPICS,
    groupId,
    mode: { kind: 'replay' },
    undecodable: 'skip',
    logger,
    handle: gateway.ingest,
    fetch: { minBytes: config.feed.fetchMinBytes, maxWaitMs: config.feed.fetchMaxWaitMs },
    onUndecodable,
  });
  // A group of its own as well: every instance must see every revocation, and a backlog of
  // booking events never delays one. What is older than the longest token lifetime names only
  // expired tokens, so it starts there.
  revocationFeed = new TopicConsumer({
    runtime: kafka,
    topics: REVOCATION_FEED_TOPICS,
    groupId: `${groupId}-revocations`,
    mode: { kind: 'replay', fromTimestampMs: clock.now() - config.auth.maxAccessTokenLifetimeSeconds * 1000 - REVOCATION_LOOKBACK_MARGIN_MS },
    undecodable: 'skip',
    logger,
    handle: gateway.ingestRevocation,
    fetch: { minBytes: 1, maxWaitMs: config.feed.fetchMaxWaitMs },
    onUndecodable,
  });
  const retentionMs = config.projection.retentionSeconds * 1000;
  const stopEviction = every(clock, EVICTION_INTERVAL_MS, () => {
    gateway.projection.evict(clock.now() - retentionMs);
    gateway.revoked.evict(clock.now());
  });

  const abandon = async () => {
    stopEviction();
    stopKeys();
    await gateway.app.close().catch(() => {});
    await feed?.stop().catch(() => {});
    await revocationFeed?.stop().catch(() => {});
    await kafka.close();
  };
  try {
    await Promise.all([feed.start(), revocationFeed.start()]);
  } catch (error) {
    await abandon();
    throw error;
  }
  return {
    app: gateway.app,
    gateway,
    kafka,
    feed,
    revocationFeed,
    async close() {
      stopEviction();
      await gateway.app.close();
      await feed.stop().catch((error: unknown) => logger.warn({ err: error }, 'leaving the consumer group failed'));
      await revocationFeed.stop().catch((error: unknown) => logger.warn({ err: error }, 'leaving the revocations consumer group failed'));
      await locations.flush();
      stopKeys();
      await kafka.close();
    },
  };
}
