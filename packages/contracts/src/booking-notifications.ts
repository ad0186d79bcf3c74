import Type, { type Static } from 'typebox';
import { envelopeSchema } from './envelope.ts';
import { Id } from './shared-shapes.ts';

/**
 * Private notices for one user on `booking.notifications`, keyed by user id. The OTP travels
 * only here, never on `booking.events`, and never in clear: `otp_sealed` is the OTP sealed with
 * authenticated encryption under the notice key that only booking-service and the gateway hold
 * (the format is `sealNotice`/`openNotice` in `@rideline/auth`; the booking and user ids are
 * bound into it, so a sealed OTP cannot be replayed for another booking or user).
 * `version` is that of the booking event that caused it.
 */
export const OtpIssued = envelopeSchema(
  'OtpIssued',
  Type.Object({
    booking_id: Id,
    user_id: Id,
    otp_sealed: Type.String({ minLength: 1, maxLength: 512, pattern: '^[A-Za-z0-9_-]+$' }),
  }),
);

export const BookingNotification = Type.Union([OtpIssued]);
export type BookingNotification = Static<typeof BookingNotification>;
