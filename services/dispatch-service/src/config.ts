import { commonSettings, integer, InvalidSettingError, loadConfig, port, string, url, type ConfigOf, type Setting } from '@rideline/config';
import { TOPICS } from '@rideline/contracts';

/** Comma-separated positive integers, e.g. the radii a search widens to. */
function integerList(envVar: string, options: { default: readonly number[]; min: number; max: number; description: string }): Setting<number[]> {
  return {
    envVar,
    description: options.description,
    defaultText: options.default.join(','),
    read(raw) {
      const text = raw?.trim();
      if (text === undefined || text === '') return [...options.default];
      const values = text.split(',').map((entry) => entry.trim());
      if (!values.every((value) => /^\d+$/.test(value) && Number(value) >= options.min && Number(value) <= options.max)) {
        throw new InvalidSettingError(`must be comma-separated integers from ${options.min} to ${options.max} (got ${JSON.stringify(raw)})`);
      }
      return values.map(Number);
    },
  };
}

const dispatchSettings = {
  ...commonSettings,
  port: port('PORT', { default: 3002, description: 'HTTP port of dispatch-service' }),
  jwksUrl: url('AUTH_JWKS_URL', ['http', 'https'], {
    default: 'http://127.0.0.1:3001/.well-known/jwks.json',
    description: "booking-service's public keys; fetched in the background until it answers (readiness reports `auth` down until then)",
  }),
  consumerGroup: string('DISPATCH_CONSUMER_GROUP', {
    default: 'rideline.dispatch',
    pattern: /^[A-Za-z0-9._-]{1,200}$/,
    description: 'Kafka consumer group shared by the dispatch instances: its partitions of booking.events say which bookings an instance acts for',
  }),
  matching: {
    radiusM: integer('DISPATCH_RADIUS_M', { default: 5000, min: 100, max: 100_000, description: 'First search radius around the pickup, in metres' }),
    widenStepsM: integerList('DISPATCH_WIDEN_STEPS_M', {
      default: [10_000, 20_000],
      min: 100,
      max: 200_000,
      description: 'Wider radii (metres) tried in turn when nobody is found within DISPATCH_RADIUS_M',
    }),
    maxDriversPerRound: integer('DISPATCH_MAX_DRIVERS_PER_ROUND', {
      default: 5,
      min: 1,
      max: 100,
      description: 'At most this many drivers are offered a booking per round',
    }),
    offerWindowMs: integer('DISPATCH_OFFER_WINDOW_MS', {
      default: 15_000,
      min: 100,
      max: 600_000,
      description: 'How long a round waits for an answer before the booking is offered to the next drivers',
    }),
  },
  driverStaleMs: integer('DISPATCH_DRIVER_STALE_MS', {
    default: 60_000,
    min: 1_000,
    max: 3_600_000,
    description: 'A driver whose last location is older than this is not offered bookings',
  }),
  nearbyPerMinute: integer('DISPATCH_NEARBY_PER_MINUTE', {
    default: 30,
    min: 1,
    max: 1_000_000,
    description: 'GET /drivers/nearby requests each principal (user or driver) may make per minute, per instance; more get 429',
  }),
  stateCheckpointMs: integer('DISPATCH_STATE_CHECKPOINT_MS', {
    default: 10_000,
    min: 100,
    max: 600_000,
    description: "How often dispatch checks which drivers' availability must be re-published on driver.locations (see DISPATCH_AVAILABILITY_REFRESH_MS)",
  }),
  availabilityRefreshMs: integer('DISPATCH_AVAILABILITY_REFRESH_MS', {
    default: 1_800_000,
    min: 100,
    // Below the topic's min.compaction.lag.ms (an hour), with room for a check interval and a stop.
    max: (TOPICS.driverLocations.minCompactionLagMs ?? 0) - 600_000,
    description:
      "The age at which a record carrying a driver's availability is re-published when later pings (available: null) left it out, so compaction, which keeps every record for the topic's min.compaction.lag.ms (1 h), never removes the last one",
  }),
};

export type DispatchConfig = ConfigOf<typeof dispatchSettings>;

export const readDispatchConfig = (env: NodeJS.ProcessEnv = process.env): DispatchConfig => loadConfig(dispatchSettings, env);
