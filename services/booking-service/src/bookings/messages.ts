import { DEVELOPMENT_NOTICE_KEY, NoticeSeal, otpNoticeContext } from '@rideline/auth';
import type { TopicMessage } from '@rideline/contracts';
import type { Booking } from '../domain/booking.ts';
import { isPublic, type PublicBookingEvent } from '../domain/events.ts';
import type { OutboxEntry } from '../outbox/outbox-entry.ts';
import type { RecordedEvent } from './event-store.ts';

/** What an append queues: booking events, and the OTP notice of an acceptance. */
export type BookingOutboxEntry = OutboxEntry<'bookingEvents' | 'bookingNotifications'>;

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
  otp: { readonly code: string; readonly sealer: NoticeSeal } | null,
): BookingOutboxEntry[] {
  const entries: BookingOutboxEntry[] = [];
  let version = publishedBefore;
  let acceptanceVersion = version;
  for (const record of records) {
    const { event } = record;
    if (isPublic(event)) {
      version++;
      if (event.type === 'BookingAccepted') acceptanceVersion = version;
      entries.push({ topic: 'bookingEvents', key: booking.bookingId, message: publicEnvelope(event, record.eventId, version) });
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
      entries.push({ topic: 'bookingNotifications', key: booking.userId, message: notice });
    }
  }
  return entries;
}

/**
 * The `booking.events` envelope of a public event. One case per type: the compiler pairs each
 * type with its own data only inside a case (an object built from the union would need a cast).
 */
function publicEnvelope(event: PublicBookingEvent, eventId: string, version: number): TopicMessage<'bookingEvents'> {
  const header = { event_id: eventId, version, occurred_at: event.occurredAt };
  switch (event.type) {
    case 'BookingRequested':
      return { ...header, type: event.type, data: event.data };
    case 'BookingAccepted':
      return { ...header, type: event.type, data: event.data };
    case 'TripStarted':
      return { ...header, type: event.type, data: event.data };
    case 'TripCompleted':
      return { ...header, type: event.type, data: event.data };
    case 'BookingCancelled':
      return { ...header, type: event.type, data: event.data };
    case 'BookingExpired':
      return { ...header, type: event.type, data: event.data };
    default:
      return event satisfies never;
  }
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
