import { randomUUID } from 'node:crypto';
import { NoticeSeal, otpNoticeContext } from '@rideline/auth';
import type { BookingNotification } from '@rideline/contracts';
import { describe, expect, it } from 'vitest';
import { openOtpNotice } from './otp-notices.ts';

const KEY = 'a-test-notice-key-of-at-least-32-characters';
const seal = new NoticeSeal(KEY);
const bookingId = randomUUID();
const userId = randomUUID();

const notice = (otpSealed: string, booking = bookingId, user = userId): BookingNotification => ({
  event_id: randomUUID(),
  type: 'OtpIssued',
  version: 2,
  occurred_at: new Date().toISOString(),
  data: { booking_id: booking, user_id: user, otp_sealed: otpSealed },
});

describe('openOtpNotice', () => {
  it('opens an OTP sealed for this booking and user, keeping the envelope', () => {
    const sealed = notice(seal.seal('123456', otpNoticeContext(bookingId, userId)));
    expect(openOtpNotice(seal, sealed)).toEqual({ ...sealed, data: { booking_id: bookingId, user_id: userId, otp: '123456' } });
  });

  it('refuses an OTP sealed under another key', () => {
    const other = new NoticeSeal('another-notice-key-of-at-least-32-characters');
    expect(openOtpNotice(seal, notice(other.seal('123456', otpNoticeContext(bookingId, userId))))).toBeNull();
  });

  it('refuses a tampered sealed OTP', () => {
    const sealed = seal.seal('123456', otpNoticeContext(bookingId, userId));
    const bytes = Buffer.from(sealed, 'base64url');
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0x01;
    expect(openOtpNotice(seal, notice(bytes.toString('base64url')))).toBeNull();
    expect(openOtpNotice(seal, notice('AAAA'))).toBeNull();
  });

  it('refuses a sealed OTP moved to another booking or another user', () => {
    const sealed = seal.seal('123456', otpNoticeContext(bookingId, userId));
    expect(openOtpNotice(seal, notice(sealed, randomUUID(), userId))).toBeNull();
    expect(openOtpNotice(seal, notice(sealed, bookingId, randomUUID()))).toBeNull();
  });
});
