import { createServiceApp, type ReadinessCheck, type ServiceApp } from '@rideline/service-kit';
import type { FastifyBaseLogger } from 'fastify';
import type { StartableVerifier } from './auth/key-loading.ts';
import { authReadiness } from './auth/key-loading.ts';
import type { SocketSettings } from './config.ts';
import { Projection } from './domain/projection.ts';
import { fanOut } from './feed/fan-out.ts';
import type { FeedRecord } from './feed/event-feed.ts';
import { createGatewayMetrics, type GatewayMetrics } from './metrics.ts';
import { installSocketRoutes } from './sockets/routes.ts';
import { SocketService, type LocationSink } from './sockets/socket-service.ts';

export interface GatewayDeps {
  readonly logger: FastifyBaseLogger;
  readonly kafkaReady: ReadinessCheck;
  readonly verifier: StartableVerifier;
  readonly locations: LocationSink;
  /** Whether the projection has been rebuilt from the topics (upgrades wait for it). */
  readonly projectionReady: () => boolean;
  /** Whether the feed is consuming (false while it rejoins its group after a broker outage). */
  readonly feedLive: () => boolean;
  readonly sockets: SocketSettings;
  readonly shutdownDeadlineMs: number;
}

export interface GatewayApp {
  readonly app: ServiceApp;
  readonly projection: Projection;
  readonly service: SocketService;
  readonly metrics: GatewayMetrics;
  /** Feed a record from the topics: updates the projection and writes to the sockets it concerns. */
  readonly ingest: (record: FeedRecord) => void;
}

/** The gateway's HTTP and WebSocket app; `gateway.ts` wires it to the broker and listens. */
export async function buildApp(deps: GatewayDeps): Promise<GatewayApp> {
  const projection = new Projection();
  const { app, metrics: registry } = await createServiceApp({
    service: 'realtime-gateway',
    logger: deps.logger,
    description: 'WebSocket gateway: /ws/bookings/, /ws/driver/bookings/, /ws/driver/available_bookings/',
    readiness: {
      kafka: deps.kafkaReady,
      auth: authReadiness(deps.verifier),
      projection: async () => {
        if (!deps.projectionReady()) throw new Error('projection still being rebuilt');
      },
      // Not a gate for upgrades: a socket opened now gets its snapshot, and what it is owed
      // arrives once the feed rejoins. It tells a probe that live updates are paused.
      feed: async () => {
        if (!deps.feedLive()) throw new Error('not consuming: the feed is rejoining its consumer group');
      },
    },
  });
  const metrics = createGatewayMetrics(registry);
  const service = new SocketService({
    projection,
    verifier: deps.verifier,
    locations: deps.locations,
    metrics,
    maxBufferedBytes: deps.sockets.maxBufferedBytes,
    inbound: { perSecond: deps.sockets.inboundPerSecond, burst: deps.sockets.inboundBurst },
    pingIntervalMs: deps.sockets.pingIntervalMs,
    snapshotEndedWithinMs: deps.sockets.snapshotEndedWithinSeconds * 1000,
  });
  await installSocketRoutes(app, {
    service,
    verifier: deps.verifier,
    metrics,
    maxFrameBytes: deps.sockets.maxFrameBytes,
    isReady: deps.projectionReady,
    shutdownDeadlineMs: deps.shutdownDeadlineMs,
  });
  return { app, projection, service, metrics, ingest: fanOut(projection, service.hub, metrics) };
}
