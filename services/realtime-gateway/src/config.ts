import { DEVELOPMENT_NOTICE_KEY, MIN_NOTICE_KEY_LENGTH, noticeKeyRefusal } from '@rideline/auth';
import {
  boolean,
  commonSettings,
  ConfigError,
  integer,
  InvalidSettingError,
  loadConfig,
  number,
  port,
  requiredInProduction,
  url,
  type ConfigOf,
  type Setting,
} from '@rideline/config';

/**
 * A key: at least `minLength` characters, and never echoed in an error message (the `string`
 * setting quotes what it got, which would print the secret into the logs).
 */
function secretKey(envVar: string, options: { readonly default: string; readonly minLength: number; readonly description: string }): Setting<string> {
  return {
    envVar,
    description: options.description,
    defaultText: '(public development key)',
    read(raw) {
      const text = raw?.trim();
      if (text === undefined || text === '') return options.default;
      if (text.length < options.minLength) {
        throw new InvalidSettingError(`must be at least ${options.minLength} characters (got ${text.length})`);
      }
      return text;
    },
  };
}

const gatewaySettings = {
  ...commonSettings,
  port: port('PORT', { default: 3000, description: 'HTTP and WebSocket port of realtime-gateway' }),
  auth: {
    jwksUrl: url('AUTH_JWKS_URL', ['http', 'https'], {
      default: 'http://127.0.0.1:3001/.well-known/jwks.json',
      description: "booking-service's public keys; fetched lazily and retried, so the gateway may start first",
    }),
    maxAccessTokenLifetimeSeconds: integer('ACCESS_TOKEN_MAX_LIFETIME_SECONDS', {
      default: 86_400,
      min: 30,
      max: 31_536_000,
      description:
        'The longest access-token lifetime booking-service may issue (its ACCESS_TOKEN_TTL_SECONDS, at most 86400): at start, session revocations are read from this long ago',
    }),
  },
  notices: {
    otpKey: requiredInProduction(
      secretKey('OTP_NOTICE_KEY', {
        default: DEVELOPMENT_NOTICE_KEY,
        minLength: MIN_NOTICE_KEY_LENGTH,
        description: "Opens the sealed OTP of booking-service's OtpIssued notices (the same key as booking-service's); required in production",
      }),
    ),
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
    maxPerPrincipal: integer('WS_MAX_SOCKETS_PER_PRINCIPAL', {
      default: 5,
      min: 1,
      max: 1_000,
      description: 'Open sockets one principal may hold on one endpoint of this instance; a newer one closes the oldest with 4029',
    }),
  },
  feed: {
    fetchMinBytes: integer('FEED_FETCH_MIN_BYTES', {
      default: 1,
      min: 1,
      description: 'Bytes a Kafka fetch waits for before the broker answers (1: at once, the lowest latency)',
    }),
    fetchMaxWaitMs: integer('FEED_FETCH_MAX_WAIT_MS', {
      default: 250,
      min: 1,
      max: 5_000,
      description: 'The longest the broker holds a fetch that has not got FEED_FETCH_MIN_BYTES: with 1 byte, only how often a quiet gateway polls',
    }),
  },
  locations: {
    // 5 ms made a Produce request of every 17 frames at 2,000 frames/s; each request costs the
    // gateway and the broker a wake-up and a write on loopback, far more than the bytes.
    lingerMs: integer('LOCATION_LINGER_MS', {
      default: 20,
      min: 0,
      max: 1_000,
      description: "How long drivers' location frames gather before one produce request carries them (each driver's latest only)",
    }),
  },
  ops: {
    // Off by default: with it on, the instance reads all of driver.locations (2,000 records/s at
    // 10,000 drivers) on top of the booking topics. Turn it on for one instance, or a dedicated
    // one the console points at, never for every instance behind the riders' load balancer.
    enabled: boolean('OPS_STREAM_ENABLED', {
      default: false,
      description:
        'Serve /ws/ops/live (the ops console); it makes this instance read all of driver.locations too, so turn it on for one instance (or a dedicated one), not all',
    }),
    frameIntervalMs: integer('OPS_FRAME_INTERVAL_MS', {
      default: 250,
      min: 50,
      max: 10_000,
      description: 'How often /ws/ops/live sends what changed, positions coalesced per driver',
    }),
    maxBufferedBytes: integer('OPS_MAX_BUFFERED_BYTES', {
      default: 16_777_216,
      min: 65_536,
      description: 'An ops socket whose unsent data passes this is closed with 4008 (its snapshot of a whole city is large)',
    }),
    driverStaleMs: integer('OPS_DRIVER_STALE_MS', {
      default: 60_000,
      min: 1_000,
      description: 'A driver unheard of for this long is shown offline (as dispatch stops offering it bookings)',
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
export type OpsSettings = GatewayConfig['ops'];

export function readGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const config = loadConfig(gatewaySettings, env);
  const refusal = noticeKeyRefusal(config.notices.otpKey, env);
  if (refusal !== null) throw new ConfigError([refusal]);
  return config;
}

/** Whether OTP notices are opened with the public development key (a warning at start). */
export const usesDevelopmentNoticeKey = (config: GatewayConfig): boolean => config.notices.otpKey === DEVELOPMENT_NOTICE_KEY;
