import { NoticeSeal, otpNoticeContext } from '@rideline/auth';

interface OtpNotice {
  readonly data: { readonly booking_id: string; readonly user_id: string; readonly otp_sealed: string };
}

/** The OTP of an `OtpIssued` notice, opened with the notice key, as the gateway opens it. */
export function openOtpNotice(value: unknown, noticeKey: string | undefined): string {
  if (noticeKey === undefined) throw new Error('the test system has no OTP_NOTICE_KEY');
  const { data } = value as OtpNotice;
  const otp = new NoticeSeal(noticeKey).open(data.otp_sealed, otpNoticeContext(data.booking_id, data.user_id));
  if (otp === null) throw new Error(`the OTP notice of ${data.booking_id} does not open with the key`);
  return otp;
}
