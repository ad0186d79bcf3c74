import { otpNoticeContext, type NoticeSeal } from '@rideline/auth';
import type { BookingNotification } from '@rideline/contracts';
import type { OtpNotice } from '../domain/projection.ts';

/**
 * Opens the OTP of an `OtpIssued` notice, sealed by booking-service under the notice key with
 * the booking and user ids bound in. Null when it does not open: another key, a tampered value,
 * or a sealed OTP moved to another booking or user. Such a notice is never delivered.
 */
export function openOtpNotice(seal: NoticeSeal, notice: BookingNotification): OtpNotice | null {
  const { booking_id: bookingId, user_id: userId, otp_sealed: sealed } = notice.data;
  const otp = seal.open(sealed, otpNoticeContext(bookingId, userId));
  if (otp === null) return null;
  return { ...notice, data: { booking_id: bookingId, user_id: userId, otp } };
}
