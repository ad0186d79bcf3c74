import Type, { type Static } from 'typebox';
import { envelopeSchema } from './envelope.ts';
import { Id } from './shared-shapes.ts';

/**
 * Private notices for one user on `booking.notifications`, keyed by user id. The OTP travels
 * only here, never on `booking.events`. `version` is that of the booking event that caused it.
 */
export const OtpIssued = envelopeSchema(
  'OtpIssued',
  Type.Object({
    booking_id: Id,
    user_id: Id,
    otp: Type.String({ pattern: '^[0-9]{6}$' }),
  }),
);

export const BookingNotification = Type.Union([OtpIssued]);
export type BookingNotification = Static<typeof BookingNotification>;
