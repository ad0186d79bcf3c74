import { NoticeSeal, otpNoticeContext } from '@rideline/auth';
import type { TopicReader } from '@rideline/test-support';

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

/** The OTP the rider was sent for a booking, from `booking.notifications` (read by `reader`). */
export async function otpFrom(reader: TopicReader, bookingId: string, noticeKey: string | undefined): Promise<string> {
  const isNotice = (value: unknown) => (value as OtpNotice).data.booking_id === bookingId;
  const records = await reader.waitFor((all) => all.some((r) => isNotice(r.value)));
  return openOtpNotice(records.find((r) => isNotice(r.value))!.value, noticeKey);
}
