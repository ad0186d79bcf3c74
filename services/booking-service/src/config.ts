import { noticeKeyRefusal } from '@rideline/auth';
import { ConfigError, commonSettings, integer, loadConfig, port, url, type ConfigOf } from '@rideline/config';
import { bookingLifecycleSettings } from './bookings/settings.ts';
import { identitySettings } from './identity/index.ts';

const bookingSettings = {
  ...commonSettings,
  port: port('PORT', { default: 3001, description: 'HTTP port of booking-service' }),
  databaseUrl: url('DATABASE_URL', ['postgres', 'postgresql'], {
    default: 'postgresql://postgres@127.0.0.1:5432/rideline_booking',
    description: 'PostgreSQL database of booking-service (created if missing, migrations applied at start)',
  }),
  databasePoolSize: integer('DATABASE_POOL_SIZE', {
    default: 20,
    min: 1,
    max: 500,
    description: 'Most connections to PostgreSQL (the outbox relay holds one more)',
  }),
  identity: identitySettings,
  lifecycle: bookingLifecycleSettings,
};

export type BookingConfig = ConfigOf<typeof bookingSettings>;

export function readBookingConfig(env: NodeJS.ProcessEnv = process.env): BookingConfig {
  const config = loadConfig(bookingSettings, env);
  const refusal = noticeKeyRefusal(config.lifecycle.otpNoticeKey, env);
  if (refusal !== null) throw new ConfigError([refusal]);
  return config;
}
