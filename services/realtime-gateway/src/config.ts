import { commonSettings, integer, loadConfig, number, port, url, type ConfigOf } from '@rideline/config';

export const gatewaySettings = {
  ...commonSettings,
  port: port('PORT', { default: 3000, description: 'HTTP and WebSocket port of realtime-gateway' }),
  auth: {
    jwksUrl: url('AUTH_JWKS_URL', ['http', 'https'], {
      default: 'http://127.0.0.1:3001/.well-known/jwks.json',
      description: "booking-service's public keys; fetched lazily and retried, so the gateway may start first",
    }),
  },
  sockets: {
    maxBufferedBytes: integer('WS_MAX_BUFFERED_BYTES', {
      default: 1_048_576,
      min: 1_024,
      description: 'A socket whose unsent data passes this is closed with 4008 (slow client)',
    }),
    maxFrameBytes: integer('WS_MAX_FRAME_BYTES', {
      default: 4_096,
      min: 256,
      max: 1_048_576,
      description: 'Largest inbound frame; a larger one closes the socket with 1009',
    }),
    inboundPerSecond: number('WS_INBOUND_RATE_PER_SECOND', {
      default: 5,
      min: 0.01,
      description: 'Inbound frames a socket may send per second, sustained',
    }),
    inboundBurst: integer('WS_INBOUND_BURST', {
      default: 20,
      min: 1,
      description: 'Inbound frames a socket may send at once; beyond the rate and burst it is closed with 1008',
    }),
    pingIntervalMs: integer('WS_PING_INTERVAL_MS', {
      default: 30_000,
      min: 50,
      description: 'How often sockets are pinged; one that has not answered the previous ping is dropped',
    }),
    snapshotEndedWithinSeconds: integer('WS_SNAPSHOT_ENDED_WITHIN_SECONDS', {
      default: 600,
      min: 0,
      description: 'On open, a socket also gets bookings that ended this recently (not only active ones)',
    }),
  },
  feed: {
    fetchMaxWaitMs: integer('FEED_FETCH_MAX_WAIT_MS', {
      default: 10,
      min: 0,
      max: 1_000,
      description: 'How long the broker may hold a fetch to fill FEED_FETCH_MIN_BYTES: the most a quiet stream adds to delivery latency',
    }),
    fetchMinBytes: integer('FEED_FETCH_MIN_BYTES', {
      default: 65_536,
      min: 1,
      description: 'Bytes a fetch waits for (up to FEED_FETCH_MAX_WAIT_MS); 1 answers at once, one fetch per few records under load',
    }),
  },
  projection: {
    retentionSeconds: integer('PROJECTION_RETENTION_SECONDS', {
      default: 86_400,
      min: 60,
      description: 'Bookings and offers unchanged for this long (event time) are forgotten',
    }),
  },
};

export type GatewayConfig = ConfigOf<typeof gatewaySettings>;
export type SocketSettings = GatewayConfig['sockets'];

export const readGatewayConfig = (env: NodeJS.ProcessEnv = process.env): GatewayConfig =>
  loadConfig(gatewaySettings, env);
