import { InvalidSettingError, integer, number, requiredInProduction, string, type Setting } from '@rideline/config';

/** A secret of at least 32 characters, or nothing (then `whenUnset`, as the docs say it). */
function secret(envVar: string, description: string, whenUnset = 'a generated secret kept in the database'): Setting<string | undefined> {
  return {
    envVar,
    description,
    defaultText: `(none: ${whenUnset})`,
    read(raw) {
      const text = raw?.trim();
      if (text === undefined || text === '') return undefined;
      if (text.length < 32) throw new InvalidSettingError('must be at least 32 characters long');
      return text;
    },
  };
}

/** The booking lifecycle's settings: deadlines, limits, dispatch's offers, the tariff, and the OTP's keys. */
export const bookingLifecycleSettings = {
  pendingTimeoutSeconds: integer('BOOKING_PENDING_TIMEOUT_SECONDS', {
    default: 120,
    min: 1,
    max: 86_400,
    description: 'A booking no driver accepts within this time expires',
  }),
  expirySweepIntervalMs: integer('BOOKING_EXPIRY_SWEEP_INTERVAL_MS', {
    default: 1_000,
    min: 50,
    max: 60_000,
    description: 'How often overdue pending bookings are looked for (an expiry is at most this late)',
  }),
  riderMaxActiveBookings: integer('RIDER_MAX_ACTIVE_BOOKINGS', {
    default: 1,
    min: 1,
    max: 10_000,
    description: 'How many bookings a rider may hold at once pending, accepted or on a trip (more: 409 RIDER_HAS_ACTIVE_BOOKING)',
  }),
  offerSyncTimeoutMs: integer('BOOKING_OFFER_SYNC_TIMEOUT_MS', {
    default: 3_000,
    min: 100,
    max: 60_000,
    description: 'How long an accept with no known offer waits for dispatch.offers to be read up to date before answering 503 OFFERS_LAGGING',
  }),
  offersConsumerGroup: string('BOOKING_OFFERS_CONSUMER_GROUP', {
    default: 'rideline.booking.offers',
    pattern: /^[A-Za-z0-9._-]{1,200}$/,
    description: 'Kafka consumer group of the booking-service instances reading dispatch.offers into their database',
  }),
  otpSecret: requiredInProduction(secret('OTP_SECRET', 'Key material for the stored keyed hash of the OTP; required in production')),
  otpNoticeKey: requiredInProduction(
    secret(
      'OTP_NOTICE_KEY',
      'Key material sealing the OTP in the OtpIssued notice on booking.notifications (the gateway opens it with the same key); required in production',
      'the public development key, with a warning',
    ),
  ),
  tariff: {
    baseFare: number('FARE_BASE', { default: 50, min: 0, description: 'Fare charged for every trip' }),
    perKm: number('FARE_PER_KM', { default: 12, min: 0, description: 'Fare per kilometre of estimated road distance' }),
    detourFactor: number('FARE_DETOUR_FACTOR', {
      default: 1.3,
      min: 1,
      max: 5,
      description: 'Road distance = great-circle distance x this factor',
    }),
    minimumFare: number('FARE_MINIMUM', { default: 80, min: 0, description: 'No trip costs less' }),
  },
};
