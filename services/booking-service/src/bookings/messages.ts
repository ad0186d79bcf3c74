import type { TopicMessage, TopicNames } from '@rideline/contracts';
import type { Booking } from '../domain/booking.ts';
import { isPublic } from '../domain/events.ts';
import type { OutboxSealer } from '../outbox/sealing.ts';
import type { OutboxEntry, RecordedEvent } from './event-store.ts';

/**
 * What an append publishes: every public event on `booking.events` (keyed by booking id, the
 * envelope of API.md), and, when a driver accepts, the OTP on `booking.notifications` for the
 * booking's user only, sealed while it waits in the outbox.
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
  otp: { readonly code: string; readonly sealer: OutboxSealer } | null,
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
        data: { booking_id: booking.bookingId, user_id: booking.userId, otp: otp.code },
      };
      entries.push({
        topic: topics.bookingNotifications,
        key: booking.userId,
        payload: null,
        sealedPayload: otp.sealer.seal(JSON.stringify(notice)),
      });
    }
  }
  return entries;
}
