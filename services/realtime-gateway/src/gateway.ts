import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { JwksClient, NoticeSeal } from '@rideline/auth';
import { lagReadinessCheck, startKafkaRuntime, type KafkaRuntime } from '@rideline/kafka';
import { listenOn } from '@rideline/service-kit';
import type { FastifyBaseLogger } from 'fastify';
import { buildApp, type GatewayApp } from './app.ts';
import { loadKeysInBackground } from './auth/key-loading.ts';
import { usesDevelopmentNoticeKey, type GatewayConfig } from './config.ts';
import { BOOKING_FEED_TOPICS, EventFeed, OPS_FEED_TOPICS, REVOCATION_FEED_TOPICS } from './feed/event-feed.ts';
import { LocationPublisher } from './feed/location-publisher.ts';
import { openOtpNotice } from './feed/otp-notices.ts';

export interface RunningGateway {
  readonly gateway: GatewayApp;
  readonly kafka: KafkaRuntime;
  readonly feed: EventFeed;
  readonly revocationFeed: EventFeed<'identityRevocations'>;
  /** `http://host:port` it listens on. */
  readonly address: string;
  readonly shutdownTimeoutMs: number;
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
 * eviction of what is older than the retention window. `main.ts` and the tests both start it.
 */
export async function startGateway(config: GatewayConfig, logger: FastifyBaseLogger): Promise<RunningGateway> {
  const kafka = await startKafkaRuntime({
    ...config.kafka,
    clientId: `${config.kafka.clientId}-gateway`,
    topics: config.topics,
    logger,
  });
  const verifier = new JwksClient({ url: config.auth.jwksUrl, logger });
  const stopKeys = loadKeysInBackground(verifier, { logger });
  if (usesDevelopmentNoticeKey(config)) {
    logger.warn({}, 'OTP_NOTICE_KEY is not set: opening OTP notices with the public development key, which protects nothing');
  }
  const seal = new NoticeSeal(config.notices.otpKey);
  let feed: EventFeed | undefined;
  let revocationFeed: EventFeed<'identityRevocations'> | undefined;
  const locations = new LocationPublisher({
    publish: (records) => kafka.publisher.publish(records),
    logger,
    onPublished: (outcome, count) => gateway.metrics.locationsPublished.inc({ outcome }, count),
  });
  const gateway = await buildApp({
    logger,
    kafkaReady: kafka.ready,
    verifier,
    locations,
    projectionReady: () => feed?.isCaughtUp ?? false,
    feedLive: () => (feed?.isLive ?? false) && (revocationFeed?.isLive ?? false),
    lagSamples: () => [feed, revocationFeed].flatMap((f) => f?.lag.partitions ?? []),
    lagReady: lagReadinessCheck(() => [feed?.lag, revocationFeed?.lag].filter((l) => l !== undefined), config.kafka.readyMaxLag),
    revocationsReady: () => revocationFeed?.isCaughtUp ?? false,
    openNotice: (notice) => openOtpNotice(seal, notice),
    sockets: config.sockets,
    shutdownDeadlineMs: Math.max(100, Math.floor(config.shutdownTimeoutMs / 2)),
    cors: { allowedOrigins: config.corsAllowedOrigins },
    ops: config.ops,
  });
  const groupId = `${config.kafka.clientId}-gateway-${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const onUndecodable = (topic: string) => gateway.metrics.records.inc({ topic, outcome: 'undecodable' });
  feed = new EventFeed({
    kafka: kafka.kafka,
    admin: kafka.admin,
    names: config.topics,
    topics: config.ops.enabled ? OPS_FEED_TOPICS : BOOKING_FEED_TOPICS,
    groupId,
    logger,
    handle: gateway.ingest,
    fetch: { minBytes: config.feed.fetchMinBytes, maxWaitMs: config.feed.fetchMaxWaitMs },
    onUndecodable,
  });
  // A group of its own as well: every instance must see every revocation.
  revocationFeed = new EventFeed({
    kafka: kafka.kafka,
    admin: kafka.admin,
    names: config.topics,
    topics: REVOCATION_FEED_TOPICS,
    groupId: `${groupId}-revocations`,
    fromTimestampMs: Date.now() - config.auth.maxAccessTokenLifetimeSeconds * 1000 - REVOCATION_LOOKBACK_MARGIN_MS,
    logger,
    handle: gateway.ingestRevocation,
    fetch: { minBytes: 1, maxWaitMs: config.feed.fetchMaxWaitMs },
    onUndecodable,
  });
  const retentionMs = config.projection.retentionSeconds * 1000;
  const eviction = setInterval(() => {
    gateway.projection.evict(Date.now() - retentionMs);
    gateway.revoked.evict(Date.now());
  }, EVICTION_INTERVAL_MS);
  eviction.unref();

  const abandon = async () => {
    clearInterval(eviction);
    stopKeys();
    await gateway.app.close().catch(() => {});
    await feed?.stop().catch(() => {});
    await revocationFeed?.stop().catch(() => {});
    await kafka.close();
  };
  let address: string;
  try {
    await Promise.all([feed.start(), revocationFeed.start()]);
    address = await listenOn(gateway.app, config.host, config.port);
  } catch (error) {
    await abandon();
    throw error;
  }
  return {
    gateway,
    kafka,
    feed,
    revocationFeed,
    address,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    async close() {
      clearInterval(eviction);
      await gateway.app.close();
      await feed.stop().catch((error: unknown) => logger.warn({ err: error }, 'leaving the consumer group failed'));
      await revocationFeed.stop().catch((error: unknown) => logger.warn({ err: error }, 'leaving the revocations consumer group failed'));
      await locations.flush();
      stopKeys();
      await kafka.close();
    },
  };
}
