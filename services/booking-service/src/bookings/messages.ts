import { DEVELOPMENT_NOTICE_KEY, NoticeSeal, otpNoticeContext } from '@rideline/auth';
import type { TopicMessage, TopicNames } from '@rideline/contracts';
import type { Booking } from '../domain/booking.ts';
import { isPublic } from '../domain/events.ts';
import type { OutboxEntry, RecordedEvent } from './event-store.ts';

/**
 * What an append publishes: every public event on `booking.events` (keyed by booking id, the
 * envelope of API.md), and, when a driver accepts, the OTP notice on `booking.notifications`
 * for the booking's user only, the OTP in it sealed with the notice key (bound to the booking
 * and user). The notice is sealed when it is written, so neither the outbox row nor the
 * broker ever holds the OTP in clear, and only holders of OTP_NOTICE_KEY can open it.
 *
 * The envelope's `version` is the event's position in the booking's *public* stream (1, 2, 3,
 * ... as API.md says): the private OTP facts the store keeps in between are not counted, so
 * consumers see no gaps. `publishedBefore` is how many public events the booking already had.
 */
export function outboxEntriesFor(
  records: readonly RecordedEvent[],
  publishedBefore: number,
  booking: Booking,
  topics: TopicNames,
  otp: { readonly code: string; readonly sealer: NoticeSeal } | null,
): OutboxEntry[] {
  const entries: OutboxEntry[] = [];
  let version = publishedBefore;
  let acceptanceVersion = version;
  for (const record of records) {
    const { event } = record;
    if (isPublic(event)) {
      version++;
      if (event.type === 'BookingAccepted') acceptanceVersion = version;
      entries.push({
        topic: topics.bookingEvents,
        key: booking.bookingId,
        payload: {
          event_id: record.eventId,
          type: event.type,
          version,
          occurred_at: event.occurredAt,
          data: event.data,
        } as TopicMessage<'bookingEvents'>,
      });
    } else if (event.type === 'OtpIssued' && otp !== null) {
      const notice: TopicMessage<'bookingNotifications'> = {
        event_id: record.eventId,
        type: 'OtpIssued',
        version: acceptanceVersion,
        occurred_at: event.occurredAt,
        data: {
          booking_id: booking.bookingId,
          user_id: booking.userId,
          otp_sealed: otp.sealer.seal(otp.code, otpNoticeContext(booking.bookingId, booking.userId)),
        },
      };
      entries.push({ topic: topics.bookingNotifications, key: booking.userId, payload: notice });
    }
  }
  return entries;
}

/**
 * The seal of OTP notices: OTP_NOTICE_KEY, or (outside production, where the key is required)
 * the public development key, which protects nothing: said once, as a warning.
 */
export function otpNoticeSeal(configured: string | undefined, logger: { warn(message: string): void }): NoticeSeal {
  if (configured !== undefined) return new NoticeSeal(configured);
  logger.warn('OTP_NOTICE_KEY is not set: OTP notices are sealed with the public development key; set it in production');
  return new NoticeSeal(DEVELOPMENT_NOTICE_KEY);
}
