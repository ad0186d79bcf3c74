import { accessTokenAuth, type KeySource } from '@rideline/auth';
import {
  createServiceApp,
  systemClock,
  type Clock,
  registerConsumerLagGauge,
  registerKafkaRequestCounters,
  type ConsumerLagSample,
  type KafkaRequestSample,
  type CorsPolicy,
  type ReadinessCheck,
  type ServiceApp,
} from '@rideline/service-kit';
import type { FastifyBaseLogger } from 'fastify';
import { installAsyncApiRoutes } from './asyncapi/routes.ts';
import type { OpsSettings, SocketSettings } from './config.ts';
import type { BookingNotification } from '@rideline/contracts';
import { Projection, type OtpNotice } from './domain/projection.ts';
import { RevokedSessions } from './domain/revoked-sessions.ts';
import { OpsBoard } from './domain/ops-board.ts';
import { fanOut } from './feed/fan-out.ts';
import type { FeedRecord } from './feed/feed-topics.ts';
import { revocationIntake } from './feed/revocation-intake.ts';
import { createGatewayMetrics, type GatewayMetrics } from './metrics.ts';
import { OpsLive } from './ops/ops-live.ts';
import { installSocketRoutes, upgradeToken } from './sockets/routes.ts';
import { SocketService, type LocationSink } from './sockets/socket-service.ts';

export interface GatewayDeps {
  readonly logger: FastifyBaseLogger;
  readonly kafkaReady: ReadinessCheck;
  /** booking-service's public keys (`JwksKeys`), which access tokens are checked with. */
  readonly keys: KeySource;
  readonly locations: LocationSink;
  /** Whether the projection has been rebuilt from the topics (upgrades wait for it). */
  readonly projectionReady: () => boolean;
  /** Whether the feed is consuming (false while it rejoins its group after a broker outage). */
  readonly feedLive: () => boolean;
  /** The feeds are no more than KAFKA_READY_MAX_LAG records behind. */
  readonly lagReady: ReadinessCheck;
  /** Each feed's lag per partition, for the `rideline_kafka_consumer_lag_records` gauge. */
  readonly lagSamples: () => Iterable<ConsumerLagSample>;
  /** Its Kafka clients' requests, for `rideline_kafka_requests_total` (none in tests without Kafka). */
  readonly kafkaRequests?: () => Iterable<KafkaRequestSample>;
  /** Whether the revocations still in force have been read at start (upgrades wait for it). */
  readonly revocationsReady: () => boolean;
  /** Opens the sealed OTP of a notice (`openOtpNotice` with OTP_NOTICE_KEY); null if it does not open. */
  readonly openNotice: (notice: BookingNotification) => OtpNotice | null;
  readonly sockets: SocketSettings;
  readonly shutdownDeadlineMs: number;
  /** CORS of the HTTP routes (health, metrics, OpenAPI); WebSocket upgrades are not CORS requests. */
  readonly cors: CorsPolicy;
  /** The operator stream (`/ws/ops/live`); absent or `enabled: false`: no such endpoint. */
  readonly ops?: OpsSettings;
  /** Decides token expiry, heartbeats, rate budgets and revocations; default the system clock. */
  readonly clock?: Clock;
}

export interface GatewayApp {
  readonly app: ServiceApp;
  readonly projection: Projection;
  readonly revoked: RevokedSessions;
  readonly service: SocketService;
  readonly metrics: GatewayMetrics;
  /** The operator stream, when it is on (started and stopped with the app). */
  readonly ops: OpsLive | null;
  /** Feed a record from the topics: updates the projection and writes to the sockets it concerns. */
  readonly ingest: (record: FeedRecord) => void;
  /** Feed a record from `identity.revocations`: refuses the session, closes its sockets. */
  readonly ingestRevocation: (record: FeedRecord<'identityRevocations'>) => void;
}

/** A driver silent this long leaves the operators' map (one still on a ride stays). */
const OPS_DRIVER_FORGET_MS = 30 * 60_000;

/** The gateway's HTTP and WebSocket app; `gateway.ts` wires it to the broker and listens. */
export async function buildApp(deps: GatewayDeps): Promise<GatewayApp> {
  const projection = new Projection();
  const revoked = new RevokedSessions();
  const clock = deps.clock ?? systemClock;
  const now = () => clock.now();
  const isSessionRevoked = (sessionId: string | undefined) => revoked.isRevoked(sessionId, now());
  const isReady = () => deps.projectionReady() && deps.revocationsReady();
  const { app, metrics: registry } = await createServiceApp({
    service: 'realtime-gateway',
    logger: deps.logger,
    cors: deps.cors,
    description: 'WebSocket gateway: /ws/bookings/, /ws/driver/bookings/, /ws/driver/available_bookings/, and /ws/ops/live for operators',
    readiness: {
      kafka: deps.kafkaReady,
      auth: async () => {
        if (!deps.keys.loaded) throw new Error('signing keys not loaded');
      },
      projection: async () => {
        if (!deps.projectionReady()) throw new Error('projection still being rebuilt');
      },
      // A gateway that accepted sockets before knowing the revocations would let revoked tokens in.
      revocations: async () => {
        if (!deps.revocationsReady()) throw new Error('session revocations still being read');
      },
      // Not a gate for upgrades: a socket opened now gets its snapshot, and what it is owed
      // arrives once the feed rejoins. It tells a probe that live updates are paused.
      feed: async () => {
        if (!deps.feedLive()) throw new Error('not consuming: the feed is rejoining its consumer group');
      },
      lag: deps.lagReady,
    },
  });
  await app.register(accessTokenAuth, { keys: deps.keys, clock, tokenOf: upgradeToken, isSessionRevoked });
  const metrics = createGatewayMetrics(registry);
  const opsOn = deps.ops?.enabled === true;
  const board = opsOn ? new OpsBoard({ driverStaleMs: deps.ops!.driverStaleMs, driverForgetMs: OPS_DRIVER_FORGET_MS }) : null;
  let ops: OpsLive | null = null;
  installAsyncApiRoutes(app);
  registerConsumerLagGauge(registry, deps.lagSamples);
  registerKafkaRequestCounters(registry, deps.kafkaRequests ?? (() => []));
  const service = new SocketService({
    projection,
    verify: (token) => app.accessTokens.verify(token),
    locations: deps.locations,
    metrics,
    maxBufferedBytes: deps.sockets.maxBufferedBytes,
    ...(opsOn ? { maxBufferedBytesOf: { ops_live: deps.ops!.maxBufferedBytes }, opsSnapshot: () => ops!.snapshot() } : {}),
    inbound: { perSecond: deps.sockets.inboundPerSecond, burst: deps.sockets.inboundBurst },
    pingIntervalMs: deps.sockets.pingIntervalMs,
    snapshotEndedWithinMs: deps.sockets.snapshotEndedWithinSeconds * 1000,
    maxSocketsPerPrincipal: deps.sockets.maxPerPrincipal,
    isSessionRevoked,
    clock,
  });
  if (board) {
    ops = new OpsLive({ board, hub: service.hub, metrics, frameIntervalMs: deps.ops!.frameIntervalMs, clock });
    ops.start();
    const running = ops;
    app.addHook('onClose', async () => running.stop());
  }
  await installSocketRoutes(app, {
    opsEnabled: opsOn,
    service,
    metrics,
    maxFrameBytes: deps.sockets.maxFrameBytes,
    isReady,
    shutdownDeadlineMs: deps.shutdownDeadlineMs,
  });
  return {
    app,
    projection,
    revoked,
    service,
    metrics,
    ops,
    ingest: fanOut({ projection, hub: service.hub, metrics, openNotice: deps.openNotice, logger: deps.logger, ...(board ? { ops: board } : {}) }),
    ingestRevocation: revocationIntake({ revoked, service, metrics, now }),
  };
}
