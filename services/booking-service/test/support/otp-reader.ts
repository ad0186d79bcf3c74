import type { TopicReader } from './topic-reader.ts';

/**
 * The OTP the rider was sent for a booking, from `booking.notifications` (read by `reader`).
 * The one place tests read the notice's OTP.
 */
export async function otpFrom(reader: TopicReader, bookingId: string): Promise<string> {
  const isNotice = (value: unknown) => (value as { data: { booking_id: string } }).data.booking_id === bookingId;
  const records = await reader.waitFor((all) => all.some((r) => isNotice(r.value)));
  return (records.find((r) => isNotice(r.value))!.value as { data: { otp: string } }).data.otp;
}
